/*
 * A tool is stored by the identifier agents call it by (`web_search`,
 * `crm.lookup`); people read it as words. The identifier stays what is
 * typed and stored; this is only how it is shown.
 */

/** Parts of identifiers that are initialisms, written in capitals. */
const INITIALISMS = new Set([
  'ai',
  'api',
  'ast',
  'crm',
  'csv',
  'dns',
  'html',
  'http',
  'id',
  'json',
  'llm',
  'ocr',
  'pdf',
  'sms',
  'sql',
  'ssh',
  'url',
  'xml',
]);

/** "web_search" → "Web search", "send_sms" → "Send SMS", "crm.lookupContact" → "CRM lookup contact". */
export function toolName(tool: string): string {
  const words = tool
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[_.:\s-]+/)
    .filter((w) => w.length > 0)
    .map((w) => (INITIALISMS.has(w.toLowerCase()) ? w.toUpperCase() : w.toLowerCase()));
  if (words.length === 0) return tool;
  const [first, ...rest] = words as [string, ...string[]];
  return [first.charAt(0).toUpperCase() + first.slice(1), ...rest].join(' ');
}
