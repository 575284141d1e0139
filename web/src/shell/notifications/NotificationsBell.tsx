/** The top bar's notifications bell (ui.md §1). */
export function NotificationsBell() {
  return null;
}
