// Windows: capture needs the Npcap driver, which only its own installer can put in (with "Support loopback
// traffic" ticked, and without "Restrict Npcap driver's access to Administrators only"): the button opens
// its download page.
import { existsSync } from 'node:fs';

export const NPCAP_URL = 'https://npcap.com/#download';

/** Whether Npcap is installed (its wpcap.dll in System32\Npcap). */
export function npcapInstalled(env: NodeJS.ProcessEnv = process.env, exists: (p: string) => boolean = existsSync): boolean {
  const root = env.SystemRoot ?? env.windir ?? 'C:\\Windows';
  return exists(`${root}\\System32\\Npcap\\wpcap.dll`);
}

export function windowsAdvice(installed: boolean): string {
  return installed
    ? 'Npcap is installed, but it does not let you capture: run its installer again with "Support loopback traffic" ticked and "Restrict Npcap driver\'s access to Administrators only" not ticked'
    : 'install Npcap (with "Support loopback traffic" ticked), then start the capture again';
}
