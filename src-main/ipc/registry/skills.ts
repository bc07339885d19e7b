import { skillDto } from '../../services/dto-mapping.ts';
import { createSkill, deleteSkill, listSkills, updateSkill } from '../../services/skills.ts';
import { declare } from './define.ts';

/** The global skill catalog. */
export const skillChannels = declare({
  'skills.list': { access: 'readSkills', scope: 'read', run: listSkills },
  'skills.get': {
    access: 'readSkills',
    scope: 'read',
    load: 'skill',
    run: async (_w, _input, skill) => skillDto(skill),
  },
  'skills.create': { access: 'manageSkills', scope: 'write', audit: 'skill', run: createSkill },
  'skills.update': {
    access: 'manageSkills',
    scope: 'write',
    audit: 'skill',
    load: 'skill',
    run: updateSkill,
  },
  'skills.delete': {
    access: 'manageSkills',
    scope: 'write',
    audit: 'skill',
    load: 'skill',
    run: deleteSkill,
  },
});
