import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessInfo {
  pid: number;
  args: string[];
}

/** The processes of this machine whose command line has every one of `parts` (Linux: reads /proc). */
export function processesWith(...parts: string[]): ProcessInfo[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((name) => {
      try {
        const args = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').filter(Boolean);
        return [{ pid: Number(name), args }];
      } catch {
        return []; // gone while we looked
      }
    })
    .filter(({ args }) => parts.every((part) => args.includes(part)));
}
