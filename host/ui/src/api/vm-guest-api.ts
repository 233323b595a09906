import type { FirmwareCapabilities, VmGuestInfo } from '@quantix/shared';
import type { HttpClient } from '@quantix/shared/ui/api/http-client.ts';

/**
 * Issue 9 (slice-os): the firmware a new VM may get and what a VM's guest agent says. Both are
 * read on demand by the one page that shows them (the wizard, the VM's page) and kept there: no
 * other page needs them, so they do not live in the store.
 */
export interface VmGuestApi {
  firmware(): Promise<FirmwareCapabilities>;
  /** `refresh` asks the agent now instead of the host's cache */
  guest(uuid: string, refresh?: boolean): Promise<VmGuestInfo>;
}

export function createVmGuestApi(deps: { http: HttpClient }): VmGuestApi {
  return {
    firmware: () => deps.http.get<FirmwareCapabilities>('/hypervisor/firmware'),
    guest: (uuid, refresh = false) =>
      deps.http.get<VmGuestInfo>(`/vms/${encodeURIComponent(uuid)}/guest${refresh ? '?refresh=true' : ''}`),
  };
}
