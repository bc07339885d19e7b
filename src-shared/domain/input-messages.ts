import type { z } from 'zod';

/*
 * What a refused input says, written for an operator: "is required",
 * "must be a number", never zod's "Invalid input: expected object,
 * received undefined"; and which field, in words ("Agent 2 configuration"),
 * never a schema path ("document.agents.1.config"). Fields whose schema
 * sets its own message keep it.
 */

const KIND_WORDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'yes or no',
  object: 'a set of named values',
  array: 'a list',
  date: 'a date',
};

type Issue = z.core.$ZodRawIssue;

const unit = (origin: unknown) =>
  origin === 'string' ? ' characters' : origin === 'array' || origin === 'set' ? ' items' : '';

/** Zod's own messages in an operator's words; undefined keeps the schema's message. */
export function operatorMessage(issue: Issue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined || issue.input === null
        ? 'is required'
        : `must be ${KIND_WORDS[issue.expected] ?? issue.expected}`;
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string' && min === 1) return 'is required';
      if (issue.origin === 'array' && min === 1) return 'must hold at least one item';
      return `must be at least ${min.toLocaleString('en-US')}${unit(issue.origin)}`;
    }
    case 'too_big':
      return `must be at most ${Number(issue.maximum).toLocaleString('en-US')}${unit(issue.origin)}`;
    case 'invalid_value':
      return issue.values.length === 1
        ? `must be ${String(issue.values[0])}`
        : `must be one of ${issue.values.map(String).join(', ')}`;
    case 'invalid_format':
      if (issue.format === 'email') return 'must be an email address';
      if (issue.format === 'datetime') return 'must be a date and time';
      if (issue.format === 'uuid') return 'is not a valid reference';
      return 'is not written the way it must be';
    case 'unrecognized_keys':
      return 'holds fields this console does not know';
    case 'invalid_union':
      return 'is not in a form this console reads';
    default:
      return undefined;
  }
}

/** Keys whose name is the implementation's, not the screen's. */
const KEY_WORDS: Record<string, string> = {
  config: 'configuration',
  agentVersion: 'version',
};

const words = (key: string) =>
  KEY_WORDS[key] ??
  key
    .replace(/_/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase();

/**
 * A field's path in words: "document.agents.1.config" -> "Agent 2 configuration",
 * "maxConcurrentRequests" -> "Max concurrent requests"; the whole input
 * when the path is empty.
 */
export function fieldInWords(path: string): string {
  if (path === '' || path === '(input)') return 'The input';
  const parts = path.split('.').filter((p) => p !== 'document');
  const out: string[] = [];
  for (const part of parts) {
    if (/^\d+$/.test(part)) {
      // "agents" then "1": the second agent
      const list = out.pop() ?? 'item';
      out.push(`${list.replace(/s$/, '')} ${Number(part) + 1}`);
    } else {
      out.push(words(part));
    }
  }
  const text = out.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** One sentence for a refused input: its first problems, each with its field in words. */
export function invalidInputMessage(fields: Record<string, string>): string {
  const entries = Object.entries(fields);
  const shown = entries.slice(0, 3).map(([field, message]) => `${fieldInWords(field)} ${message}`);
  const more = entries.length - shown.length;
  return `${shown.join('; ')}${more > 0 ? ` (and ${more} more)` : ''}`;
}
