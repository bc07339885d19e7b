import {
  ActionIcon,
  Anchor,
  Badge,
  Button,
  Card,
  Code,
  Group,
  Paper,
  ScrollArea,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { DragDropContext, Draggable, Droppable, type DropResult } from '@hello-pangea/dnd';
import { IconGripVertical, IconLock, IconPlus, IconX } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import type { AttachedSkillDto } from '../../../src-shared/contract.ts';
import { maintenanceRefusal, skillTierRefusal } from '../../../src-shared/domain/limits.ts';
import { toolName } from '../../../src-shared/domain/tool-names.ts';
import { useChannel, useWrite } from '../../api/hooks.ts';
import { useSession } from '../../auth/session.tsx';
import { TierBadge } from '../../components/badges.tsx';
import { EmptyState } from '../../components/EmptyState.tsx';

/**
 * The agent's skills: attached ones in order (drag to reorder), the catalog
 * to add from (skills above the organization's tier locked, naming the tier
 * needed), and what the agent runs with, as the main process composes it.
 */
export function AgentSkillsPanel({
  organizationId,
  agentId,
  writer,
}: {
  organizationId: string;
  agentId: string;
  writer: boolean;
}) {
  const { can } = useSession();
  const navigate = useNavigate();
  const view = useChannel('agents.effectivePrompt', { organizationId, id: agentId });
  const organization = useChannel('organizations.get', { id: organizationId });
  // no change to the organization's agents is accepted while it is in maintenance
  const frozen = organization.data ? maintenanceRefusal(organization.data) : null;
  // nothing to move or detach meanwhile; the catalog's Add buttons say why
  const changesAttached = writer && !frozen;
  // the catalog is global and changes under other operators: read it afresh for every agent
  const catalog = useChannel(
    'skills.list',
    { page: 1, pageSize: 200, sort: 'name' },
    { refetchOnMount: 'always' },
  );
  const attach = useWrite('agents.attachSkill', { success: () => 'Skill attached' });
  const detach = useWrite('agents.detachSkill', { success: () => 'Skill detached' });
  const reorder = useWrite('agents.reorderSkills');
  const [order, setOrder] = useState<AttachedSkillDto[]>([]);
  useEffect(() => setOrder(view.data?.skills ?? []), [view.data]);

  const attachedIds = new Set(order.map((s) => s.skillId));
  const available = (catalog.data?.items ?? []).filter((s) => !attachedIds.has(s.id));

  const onDragEnd = ({ source, destination }: DropResult) => {
    if (!destination || destination.index === source.index) return;
    const next = [...order];
    const [moved] = next.splice(source.index, 1);
    if (!moved) return;
    next.splice(destination.index, 0, moved);
    setOrder(next);
    reorder.mutate(
      { organizationId, agentId, skillIds: next.map((s) => s.skillId) },
      { onError: () => setOrder(view.data?.skills ?? []) },
    );
  };

  return (
    <Card withBorder mt="lg">
      <Title order={4} mb="sm">
        Skills
      </Title>
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
        <Stack gap="md">
          <Stack gap={6}>
            <Text size="sm" fw={500}>
              Attached{order.length > 1 && changesAttached ? ' — drag to reorder' : ''}
            </Text>
            {order.length === 0 && (
              <Text size="sm" c="dimmed">
                No skills attached: the agent runs with its own prompt only.
              </Text>
            )}
            <DragDropContext onDragEnd={onDragEnd}>
              <Droppable droppableId="attached-skills" isDropDisabled={!changesAttached}>
                {(drop) => (
                  <Stack
                    gap={6}
                    ref={drop.innerRef}
                    {...drop.droppableProps}
                    aria-label="Attached skills"
                    role={order.length ? 'list' : 'group'}
                  >
                    {order.map((skill, index) => (
                      <Draggable
                        key={skill.skillId}
                        draggableId={skill.skillId}
                        index={index}
                        isDragDisabled={!changesAttached}
                      >
                        {(drag) => (
                          <Paper
                            withBorder
                            p="xs"
                            ref={drag.innerRef}
                            {...drag.draggableProps}
                            role="listitem"
                            aria-label={skill.name}
                          >
                            <Group justify="space-between" wrap="nowrap">
                              <Group gap="xs" wrap="nowrap">
                                {changesAttached && (
                                  <span {...drag.dragHandleProps} aria-label={`Move ${skill.name}`}>
                                    <IconGripVertical size={16} />
                                  </span>
                                )}
                                <Text size="sm" fw={500}>
                                  {index + 1}. {skill.name}
                                </Text>
                                <TierBadge tier={skill.tierRequired} />
                              </Group>
                              {changesAttached && (
                                <ActionIcon
                                  variant="subtle"
                                  color="red"
                                  aria-label={`Detach ${skill.name}`}
                                  loading={
                                    detach.isPending && detach.variables?.skillId === skill.skillId
                                  }
                                  onClick={() =>
                                    detach.mutate({
                                      organizationId,
                                      agentId,
                                      skillId: skill.skillId,
                                    })
                                  }
                                >
                                  <IconX size={16} />
                                </ActionIcon>
                              )}
                            </Group>
                          </Paper>
                        )}
                      </Draggable>
                    ))}
                    {drop.placeholder}
                  </Stack>
                )}
              </Droppable>
            </DragDropContext>
          </Stack>
          {writer && (
            <Stack gap={6}>
              <Text size="sm" fw={500}>
                Catalog
              </Text>
              <ScrollArea.Autosize mah={280}>
                {available.length === 0 && order.length === 0 && (
                  <EmptyState
                    text="The skill catalog is empty."
                    create={
                      can('manageSkills') && {
                        label: 'New skill',
                        onClick: () => void navigate('/skills?new=1'),
                      }
                    }
                  />
                )}
                {available.length === 0 && order.length > 0 && (
                  <Text size="sm" c="dimmed">
                    Every catalog skill is attached.
                  </Text>
                )}
                <Stack
                  gap={6}
                  aria-label="Skill catalog"
                  role={available.length ? 'list' : 'group'}
                >
                  {available.map((skill) => {
                    const refusal =
                      frozen ??
                      (organization.data ? skillTierRefusal(organization.data, skill) : null);
                    const reasonId = `skill-refusal-${skill.id}`;
                    return (
                      <Stack key={skill.id} gap={2} role="listitem" aria-label={skill.name}>
                        <Group justify="space-between" wrap="nowrap">
                          <Group gap="xs" wrap="nowrap">
                            {refusal && <IconLock size={14} aria-label="Locked" role="img" />}
                            <Text size="sm" c={refusal ? 'dimmed' : undefined}>
                              {skill.name}
                            </Text>
                            <TierBadge tier={skill.tierRequired} />
                          </Group>
                          <Button
                            size="compact-sm"
                            variant="light"
                            leftSection={<IconPlus size={14} />}
                            disabled={refusal !== null}
                            aria-label={`Add ${skill.name}`}
                            aria-describedby={refusal ? reasonId : undefined}
                            loading={attach.isPending && attach.variables?.skillId === skill.id}
                            onClick={() =>
                              attach.mutate({ organizationId, agentId, skillId: skill.id })
                            }
                          >
                            Add
                          </Button>
                        </Group>
                        {refusal && (
                          // the reason under the skill, with the way forward: the tier is changed
                          // on the organization's page, by those who may
                          <Text id={reasonId} size="xs" c="dimmed">
                            {refusal.reason}.{' '}
                            {can('manageOrganizations') ? (
                              <Anchor
                                component={Link}
                                to={`/organizations/${organizationId}`}
                                size="xs"
                                underline="always"
                              >
                                {refusal.wayForward}
                              </Anchor>
                            ) : (
                              `${refusal.wayForward}.`
                            )}
                          </Text>
                        )}
                      </Stack>
                    );
                  })}
                </Stack>
              </ScrollArea.Autosize>
            </Stack>
          )}
        </Stack>
        <Stack gap={6} aria-label="Effective prompt preview" role="region">
          <Text size="sm" fw={500}>
            Effective prompt
          </Text>
          <Code block data-testid="effective-prompt" style={{ whiteSpace: 'pre-wrap' }}>
            {view.data?.prompt ?? ''}
          </Code>
          <Group gap={6} aria-label="Effective tools" role="group">
            <Text size="sm" fw={500}>
              Tools
            </Text>
            {(view.data?.tools ?? []).length === 0 ? (
              <Text size="sm" c="dimmed">
                none
              </Text>
            ) : (
              view.data?.tools.map((tool) => (
                <Badge key={tool} variant="outline" tt="none">
                  {toolName(tool)}
                </Badge>
              ))
            )}
          </Group>
        </Stack>
      </SimpleGrid>
    </Card>
  );
}
