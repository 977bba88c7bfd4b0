/**
 * Resolves once `condition` holds, checking it every `intervalMs`: for outcomes that follow an
 * action after an unknown delay (a process that exits, an item that expires). The test's own
 * timeout bounds the wait.
 */
export async function eventually(
  condition: () => boolean | Promise<boolean>,
  intervalMs = 100,
): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, intervalMs));
}
