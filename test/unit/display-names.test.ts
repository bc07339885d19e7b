import { describe, expect, it } from 'vitest';
import { AGENT_STATUSES, agentStatusName } from '../../src-shared/domain/agent-machine.ts';
import {
  BILLING_STATUSES,
  ROLES,
  SKILL_CATEGORIES,
  billingStatusName,
  roleName,
  skillCategoryName,
} from '../../src-shared/domain/enums.ts';
import { toolName } from '../../src-shared/domain/tool-names.ts';
import {
  TIERS,
  UNLIMITED,
  isUnlimited,
  limitInWords,
  tierLimits,
  tierName,
} from '../../src-shared/domain/tiers.ts';

describe('names shown for stored values', () => {
  it('names each tier with a capital, as a label', () => {
    expect(TIERS.map(tierName)).toEqual(['Free', 'Pro', 'Enterprise']);
  });

  it('names each role in full, as a label', () => {
    expect(ROLES.map(roleName)).toEqual(['User', 'Administrator', 'Developer']);
  });

  it('names each billing status with a capital, as a label', () => {
    expect(BILLING_STATUSES.map(billingStatusName)).toEqual([
      'Active',
      'Suspended',
      'Trial',
      'Canceled',
    ]);
  });

  it('names each agent status with a capital, as a label', () => {
    expect(AGENT_STATUSES.map(agentStatusName)).toEqual([
      'Draft',
      'Deploying',
      'Active',
      'Paused',
      'Error',
    ]);
  });

  it('names each skill category in words, as a label', () => {
    expect(SKILL_CATEGORIES.map(skillCategoryName)).toEqual([
      'Research',
      'Coding',
      'Data analysis',
      'Communication',
      'Operations',
    ]);
  });

  it('reads a tool identifier as words, initialisms in capitals', () => {
    expect(toolName('web_search')).toBe('Web search');
    expect(toolName('send_sms')).toBe('Send SMS');
    expect(toolName('crm.lookupContact')).toBe('CRM lookup contact');
  });

  it('writes every initialism in capitals', () => {
    expect(
      toolName('ai_api_ast_crm_csv_dns_html_http_id_json_llm_ocr_pdf_sms_sql_ssh_url_xml'),
    ).toBe('AI API AST CRM CSV DNS HTML HTTP ID JSON LLM OCR PDF SMS SQL SSH URL XML');
  });

  it('leaves an identifier with no words in it as it is', () => {
    expect(toolName('__')).toBe('__');
  });
});

describe('unlimited limits', () => {
  it('says "Unlimited" for the figure a tier without a limit stores', () => {
    const enterprise = tierLimits('enterprise');
    expect(limitInWords('agentLimit', enterprise.agentLimit)).toBe('Unlimited');
    expect(limitInWords('workflowLimit', enterprise.workflowLimit)).toBe('Unlimited');
    expect(limitInWords('monthlyTokenLimit', enterprise.monthlyTokenLimit)).toBe('Unlimited');
  });

  it('gives a real limit as its number', () => {
    expect(limitInWords('monthlyTokenLimit', tierLimits('pro').monthlyTokenLimit)).toBe(
      '1,000,000',
    );
    expect(limitInWords('workflowLimit', 0)).toBe('0');
  });

  it('counts a limit just under the sentinel as a limit', () => {
    expect(isUnlimited('agentLimit', UNLIMITED.agentLimit - 1)).toBe(false);
  });

  it('gives pro unlimited agents but limited workflows and tokens', () => {
    const pro = tierLimits('pro');
    expect(isUnlimited('agentLimit', pro.agentLimit)).toBe(true);
    expect(isUnlimited('workflowLimit', pro.workflowLimit)).toBe(false);
  });
});
