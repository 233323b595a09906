/** how long the probes may keep a create waiting before its progress says so */
const PROBES_SILENT_MS = 300;

/**
 * The host's CPU and firmware probes run once per libvirt connection, starting throw-away guests
 * (a minute or more under TCG): the first VM created after that waits for them. Its progress says
 * so, rather than sit on "Checking the name and the storage".
 */
export async function awaitProbes<T>(probes: Promise<T>, again: (m: string) => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const slow = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), PROBES_SILENT_MS);
  });
  const waiting = await Promise.race([
    probes.then(
      () => false,
      () => false,
    ),
    slow,
  ]);
  clearTimeout(timer);
  if (waiting)
    again(
      "Waiting for the host's CPU and firmware checks: they start test guests once after libvirt connects",
    );
  return probes;
}
