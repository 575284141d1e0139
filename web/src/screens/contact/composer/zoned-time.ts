/**
 * The workspace's wall clock for date-time inputs: a `datetime-local` value means a time in the
 * workspace's zone, not the browser's (a seller travelling still books in the office's hours).
 */

/** "YYYY-MM-DDTHH:mm" as read on a wall clock in `timeZone` at `instant`. */
export function wallClock(instant: number, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
      .formatToParts(new Date(instant))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

/** The instant (ISO) a wall-clock "YYYY-MM-DDTHH:mm" in `timeZone` names; undefined if it is not one. */
export function instantOf(local: string, timeZone: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!m) return undefined;
  const asUtc = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!);
  const offsetAt = (t: number) => Date.parse(`${wallClock(t, timeZone)}:00Z`) - t;
  // Two passes settle the offset across a DST change (the second uses the offset at the guess).
  let t = asUtc - offsetAt(asUtc);
  t = asUtc - offsetAt(t);
  return new Date(t).toISOString();
}

/** The next whole hour, in the workspace's wall clock: a meeting's default start. */
export function nextHour(now: number, timeZone: string): string {
  const local = wallClock(now, timeZone);
  const start = instantOf(`${local.slice(0, 13)}:00`, timeZone);
  return wallClock(Date.parse(start ?? new Date(now).toISOString()) + 3_600_000, timeZone);
}

/** `local` plus `minutes`, staying in the workspace's wall clock. */
export function addMinutes(local: string, minutes: number, timeZone: string): string {
  const at = instantOf(local, timeZone);
  return at ? wallClock(Date.parse(at) + minutes * 60_000, timeZone) : local;
}
