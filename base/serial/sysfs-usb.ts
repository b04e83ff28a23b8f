/**
 * The USB identity of a serial device, read from sysfs (Linux's device tree) — what udev's database
 * holds too, available without udev (containers, minimal images). For `/dev/ttyUSB0` the kernel links
 * `/sys/class/tty/ttyUSB0/device` to the port's node in the USB tree; walking up from there, the first
 * folder with `idVendor` and `idProduct` is the USB device, with `serial`, `manufacturer` and
 * `product` beside them. Its folder name (`1-1.2`) is the USB path: the port the board is plugged
 * into, which tells two identical boards without serial numbers apart.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface UsbIdentity {
  /** Lowercase hex, as Linux spells it: '303a'. */
  vendorId: string;
  productId: string;
  serialNumber?: string;
  manufacturer?: string;
  product?: string;
  /** The USB port path ('1-1.2'). */
  usbPath: string;
}

const read = (file: string): string | undefined => {
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
};

/**
 * The USB identity of tty `name` ('ttyUSB0', 'ttyACM0'), or undefined when it is not a USB device (a
 * built-in UART, a pty) or sysfs is not there. Never throws.
 */
export function usbIdentity(name: string, sysfsDir = '/sys'): UsbIdentity | undefined {
  let dir: string;
  try {
    dir = realpathSync(join(sysfsDir, 'class', 'tty', name, 'device'));
  } catch {
    return undefined;
  }
  const root = realpathSync(sysfsDir);
  for (let i = 0; i < 8 && dir.startsWith(root) && dir !== root; i++, dir = dirname(dir)) {
    const vendorId = read(join(dir, 'idVendor'));
    const productId = read(join(dir, 'idProduct'));
    if (!vendorId || !productId) continue;
    const serialNumber = read(join(dir, 'serial'));
    const manufacturer = read(join(dir, 'manufacturer'));
    const product = read(join(dir, 'product'));
    return {
      vendorId: vendorId.toLowerCase(),
      productId: productId.toLowerCase(),
      ...(serialNumber ? { serialNumber } : {}),
      ...(manufacturer ? { manufacturer } : {}),
      ...(product ? { product } : {}),
      usbPath: basename(dir),
    };
  }
  return undefined;
}
