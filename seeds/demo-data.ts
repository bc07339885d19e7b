/** The spec's phase-1 demo data, verbatim. */

export const DEMO_ORGANIZATION = { name: 'Demo Company', slug: 'demo', tier: 'pro' } as const;

export const DEMO_ADMIN = {
  email: 'admin@demo.com',
  name: 'Admin User',
  password: 'password123',
  role: 'admin',
} as const;

export const DEMO_SKILLS = [
  {
    name: 'Web Research',
    slug: 'web-research',
    description: 'Advanced web search and information gathering',
    category: 'research',
    tierRequired: 'free',
    systemPromptEnhancement: `You have access to web search capabilities. When researching:
1. Search for authoritative sources
2. Cross-reference multiple sources
3. Evaluate source credibility
4. Cite all sources in your response
`,
    tools: ['web_search', 'web_fetch'],
    isOfficial: true,
  },
  {
    name: 'Code Analysis',
    slug: 'code-analysis',
    description: 'Analyze and review code for best practices',
    category: 'coding',
    tierRequired: 'pro',
    systemPromptEnhancement: `You are an expert code reviewer. When analyzing code:
1. Check for security vulnerabilities
2. Assess code quality and maintainability
3. Suggest improvements and optimizations
4. Follow language-specific best practices
`,
    tools: ['ast_parse', 'static_analysis'],
    isOfficial: true,
  },
  {
    name: 'Customer Communication',
    slug: 'customer-communication',
    description: 'Professional customer service and support',
    category: 'communication',
    tierRequired: 'free',
    systemPromptEnhancement: `You are a professional customer service representative.
- Be empathetic and understanding
- Provide clear, actionable solutions
- Maintain a friendly, professional tone
- Ask clarifying questions when needed
`,
    tools: ['send_email', 'send_sms'],
    isOfficial: true,
  },
] as const;

export const DEMO_AGENT = {
  name: 'Research Assistant',
  description: 'AI research assistant with web search capabilities',
  systemPrompt: `You are a research assistant. Your job is to:
1. Understand the user's research question
2. Search for relevant information
3. Synthesize findings into clear summaries
4. Cite all sources

Be thorough, accurate, and objective.
`,
  config: { model: 'claude-sonnet-4', max_tokens: 4096, temperature: 0.7 },
} as const;
