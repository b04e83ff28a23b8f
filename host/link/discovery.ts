/**
 * Discovery: lists serial ports and marks the ones whose USB ids match a board profile. On Linux,
 * serialport lists through udev (`udevadm`); where that is missing (containers) listing fails, and the
 * result says so — the user can still pass `--port PATH`.
 */
import { SerialPort } from 'serialport';
import { HarkError } from '../../base/errors.js';
import { matchUsb } from '../../boards/profiles/profile-loader.js';

export interface ListedPort {
  path: string;
  vendorId?: string;
  productId?: string;
  manufacturer?: string;
  serialNumber?: string;
  /** Ids of profiles whose USB ids match (several when boards share a bridge chip). */
  profiles: string[];
}

export interface PortListing {
  ports: ListedPort[];
  /** Set when the system could not list ports; `ports` is then empty. */
  error?: HarkError;
}

/** Lists ports; never throws (a failure is returned in `error`). */
export async function listPorts(): Promise<PortListing> {
  let raw: Awaited<ReturnType<typeof SerialPort.list>>;
  try {
    raw = await SerialPort.list();
  } catch (e) {
    const why = (e as Error).message;
    return {
      ports: [],
      error: new HarkError(
        'HARK_ERR_LINK_LIST',
        `cannot list serial ports (${why}); udev is probably unavailable (a container?). Pass the device with --port PATH, e.g. --port /dev/ttyUSB0`,
        { cause: e },
      ),
    };
  }
  return {
    ports: raw.map((p) => ({
      path: p.path,
      ...(p.vendorId ? { vendorId: p.vendorId.toLowerCase() } : {}),
      ...(p.productId ? { productId: p.productId.toLowerCase() } : {}),
      ...(p.manufacturer ? { manufacturer: p.manufacturer } : {}),
      ...(p.serialNumber ? { serialNumber: p.serialNumber } : {}),
      profiles: matchUsb(p.vendorId, p.productId).map((pr) => pr.id),
    })),
  };
}
