// electron-builder.yml is valid for the installed electron-builder (its own schema check), and packs
// what the app needs at run time: the bundles, cap unpacked from the asar, the lessons as resources.
import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const repo = join(__dirname, '..', '..');
const require = createRequire(join(repo, 'package.json'));

describe('electron-builder.yml', () => {
  const yaml = require('js-yaml') as { load(s: string): unknown };
  const config = yaml.load(readFileSync(join(repo, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;

  it('passes electron-builder\'s configuration schema', async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as { validateConfiguration(c: unknown, l: unknown): Promise<void> };
    const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    await expect(validateConfiguration({ ...config, notAnOption: 1 }, new DebugLogger(false))).rejects.toThrow();
  });

  it('packs the bundles, unpacks cap, ships the lessons where the app looks for them', () => {
    expect(config.productName).toBe('Handshake Lab');
    expect(config.files).toContain('out/**');
    expect(config.npmRebuild).toBe(true);
    expect((config.asarUnpack as string[]).some((p) => p.includes('node_modules/cap'))).toBe(true);
    const res = (config.extraResources as { from: string; to: string }[]).find((r) => r.from === 'assets/lessons');
    expect(res?.to).toBe('lessons');
    expect(existsSync(join(repo, res!.from))).toBe(true);
    expect(readFileSync(join(repo, 'main', 'app', 'index.ts'), 'utf8')).toContain(`join(process.resourcesPath, '${res!.to}')`);
    const linux = config.linux as { target: string[] };
    expect(linux.target).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    expect((config.mac as { target: string }).target).toBe('dmg');
    expect((config.win as { target: string }).target).toBe('nsis');
  });
});
