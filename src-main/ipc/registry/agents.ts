import {
  agentSkills,
  attachSkill,
  detachSkill,
  reorderSkills,
} from '../../services/agent-skills.ts';
import { exportAgents, importAgents } from '../../services/agent-transfer.ts';
import {
  agentHistory,
  createAgent,
  deleteAgent,
  listAgents,
  modelsInUse,
  transitionAgent,
  transitionOne,
  updateAgent,
} from '../../services/agents.ts';
import { agentDto } from '../../services/dto-mapping.ts';
import { declare } from './define.ts';

const byAgentId = (input: { agentId: string }) => input.agentId;

/** An organization's agents, in its tenant schema. */
export const agentChannels = declare({
  'agents.list': { access: 'readAgents', scope: 'tenantRead', run: listAgents },
  'agents.models': { access: 'readAgents', scope: 'tenantRead', run: modelsInUse },
  'agents.get': {
    access: 'readAgents',
    scope: 'tenantRead',
    load: 'agent',
    run: async (w, _input, agent) => agentDto(agent, w.organization.id),
  },
  'agents.history': {
    access: 'readAgents',
    scope: 'tenantRead',
    load: 'agent',
    run: (w, _input, agent) => agentHistory(w, agent),
  },
  'agents.effectivePrompt': {
    access: 'readAgents',
    scope: 'tenantRead',
    load: 'agent',
    run: (w, _input, agent) => agentSkills(w, agent),
  },
  'agents.export': { access: 'readAgents', scope: 'tenantRead', run: exportAgents },
  'agents.create': {
    access: 'writeAgents',
    scope: 'tenantWrite',
    audit: 'agent',
    run: createAgent,
  },
  'agents.update': {
    access: 'writeAgents',
    scope: 'tenantWrite',
    audit: 'agent',
    load: 'agent',
    run: updateAgent,
  },
  'agents.transition': {
    access: 'writeAgents',
    scope: 'tenantWrite',
    audit: 'agent',
    load: 'agent',
    run: transitionAgent,
  },
  'agents.transitionMany': {
    access: 'writeAgents',
    scope: 'tenantWrite',
    audit: 'agent',
    load: 'agent',
    bulk: {
      ids: (input) => input.ids,
      label: (agent) => agent.name,
      each: transitionOne,
      whenRefused: { status: null },
    },
  },
  'agents.delete': {
    access: 'writeAgents',
    scope: 'tenantWrite',
    audit: 'agent',
    load: 'agent',
    run: (w, _input, agent) => deleteAgent(w, agent),
  },
  'agents.attachSkill': {
    access: 'writeAgents',
    scope: 'tenantWrite',
    audit: 'agent',
    load: 'agent',
    loadId: byAgentId,
    run: attachSkill,
  },
  'agents.detachSkill': {
    access: 'writeAgents',
    scope: 'tenantWrite',
    audit: 'agent',
    load: 'agent',
    loadId: byAgentId,
    run: detachSkill,
  },
  'agents.reorderSkills': {
    access: 'writeAgents',
    scope: 'tenantWrite',
    load: 'agent',
    loadId: byAgentId,
    run: reorderSkills,
  },
  'agents.import': {
    access: 'writeAgents',
    scope: 'tenantWrite',
    audit: 'organization',
    run: importAgents,
  },
});
