import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { ARTIFACT_REPORT_FILE, readArtifact, serializeArtifact } from '../../../src/action/artifact.js';

const payload = serializeArtifact({
  report: { schemaVersion: 1, verdict: 'pass', config: 'model-budget.yml', models: [], tool: { name: 'model-budget', version: '0.1.0' } },
});

/** Overwrites the unpacked size every header of the archive declares (a lie the reader must not believe). */
function forgeDeclaredSize(zip: Uint8Array, size: number): Uint8Array {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  for (let at = 0; at + 4 <= zip.byteLength; at++) {
    if (view.getUint32(at, true) === 0x04034b50) view.setUint32(at + 22, size, true);
    if (view.getUint32(at, true) === 0x02014b50) view.setUint32(at + 24, size, true);
  }
  return zip;
}

describe('readArtifact', () => {
  it.each([
    { what: 'deflated', level: 6 },
    { what: 'stored', level: 0 },
  ] as const)('reads a valid report ($what), ignoring other files', ({ level }) => {
    const zip = zipSync({ [ARTIFACT_REPORT_FILE]: [strToU8(payload), { level }], 'comment.md': strToU8('x') });
    expect(readArtifact(zip).report.verdict).toBe('pass');
  });

  it('a bomb that declares a small size stops inflating at the cap', () => {
    // 64 KiB of JSON-ish padding repeated: 8 MiB inflated from a few KB; the headers claim 100 bytes.
    const bomb = forgeDeclaredSize(zipSync({ [ARTIFACT_REPORT_FILE]: new Uint8Array(8 * 1024 * 1024).fill(0x20) }, { level: 9 }), 100);
    expect(bomb.byteLength).toBeLessThan(64 * 1024);
    expect(() => readArtifact(bomb, 1024 * 1024)).toThrow(`${ARTIFACT_REPORT_FILE} inflates to more than 1048576 bytes (inflating stopped there)`);
  });

  it('a truthful file over the cap is refused the same way', () => {
    const zip = zipSync({ [ARTIFACT_REPORT_FILE]: new Uint8Array(2 * 1024 * 1024).fill(0x20) });
    expect(() => readArtifact(zip, 1024 * 1024)).toThrow(/inflates to more than 1048576 bytes/);
  });

  it.each([
    { what: 'no report file', zip: zipSync({ 'other.json': strToU8('{}') }), message: `the artifact holds no ${ARTIFACT_REPORT_FILE}` },
    { what: 'not a zip', zip: strToU8('hello, this is not a zip archive at all'), message: 'not a readable zip archive' },
    { what: 'empty', zip: new Uint8Array(0), message: 'not a readable zip archive' },
    { what: 'corrupt deflate data', zip: corruptDeflate(), message: 'not valid deflate data' },
  ])('$what → a message saying so', ({ zip, message }) => {
    expect(() => readArtifact(zip)).toThrow(message);
  });
});

function corruptDeflate(): Uint8Array {
  const zip = zipSync({ [ARTIFACT_REPORT_FILE]: strToU8(payload.repeat(20)) }, { level: 9 });
  // The deflate stream starts after the 30-byte local header and the name: make its first block type invalid.
  const start = 30 + ARTIFACT_REPORT_FILE.length;
  zip[start] = 0xff;
  return zip;
}
