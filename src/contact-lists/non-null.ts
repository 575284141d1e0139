/**
 * Sorts whose key a filter guarantees to be present: "pending attention" means a waiting time,
 * "in stage X" a time in stage, any attribute condition but `is_empty` a value. For those the
 * page never needs the second, NULLs part of a nullable sort (which would otherwise scan the
 * workspace to find nothing once the values run out).
 */
const IMPLIES: [field: string, ops: string[] | null, sorts: string[]][] = [
  ['pendingAttention', null, ['timeWaiting', 'waitingSince']],
  ['attentionReason', null, ['timeWaiting', 'waitingSince']],
  ['timeWaiting', null, ['timeWaiting', 'waitingSince']],
  ['stageId', null, ['timeInStage', 'stageEnteredAt']],
  ['timeInStage', null, ['timeInStage', 'stageEnteredAt']],
  ['playbookId', ['eq', 'in'], ['timeInStage', 'stageEnteredAt']],
  ['whatsappWindow', ['closingWithinHours'], ['lastInboundWhatsappAt']],
];

export function sortsWithValues(filter: unknown): Set<string> {
  const out = new Set<string>();
  const visit = (node: unknown) => {
    if (!node || typeof node !== 'object') return;
    const n = node as { and?: unknown[]; field?: unknown; op?: unknown; value?: unknown };
    if (Array.isArray(n.and)) return n.and.forEach(visit);
    if (typeof n.field !== 'string' || typeof n.op !== 'string') return;
    if (n.field.startsWith('attributes.') && n.op !== 'is_empty') out.add(n.field);
    if (n.field === 'pendingAttention' && n.value !== true) return;
    if (n.field === 'whatsappWindow' && n.op === 'open' && n.value === true) out.add('lastInboundWhatsappAt');
    for (const [field, ops, sorts] of IMPLIES) if (field === n.field && (!ops || ops.includes(n.op))) sorts.forEach((s) => out.add(s));
  };
  visit(filter);
  return out;
}
