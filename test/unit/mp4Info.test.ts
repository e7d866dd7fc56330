import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { OpenRouterError } from '../../src/core/api/errors';
import { parseMoov, readMp4Info } from '../../src/core/media/mp4Info';

const MEDIA = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'media');

/** A box: 32-bit size, four-character type, body. */
function box(type: string, ...body: Buffer[]): Buffer {
  const content = Buffer.concat(body);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(content.length + 8);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, content]);
}

function hdlr(handler: string): Buffer {
  const body = Buffer.alloc(24);
  body.write(handler, 8, 'latin1');
  return box('hdlr', body);
}

function stsd(...entries: Buffer[]): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(entries.length, 4);
  return box('stsd', head, ...entries);
}

function trak(handler: string, entry: Buffer): Buffer {
  return box('trak', box('mdia', hdlr(handler), box('minf', box('stbl', stsd(entry)))));
}

/** An `mp4a` entry whose esds names `objectType`. */
function mp4a(objectType: number): Buffer {
  const decoderConfig = Buffer.from([0x04, 13, objectType, 0x15, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  const es = Buffer.concat([Buffer.from([0x03, 3 + decoderConfig.length, 0, 1, 0]), decoderConfig]);
  return box('mp4a', Buffer.alloc(28), box('esds', Buffer.alloc(4), es));
}

describe('mp4Info: sample entries and duration from the boxes', () => {
  it('finds H.264 and AAC in a clip whose moov comes after mdat', async () => {
    const file = path.join(MEDIA, 'aac.mp4');
    const bytes = await fs.readFile(file);
    assert.ok(bytes.indexOf('moov') > bytes.indexOf('mdat'), 'the fixture keeps moov at the end');
    const info = await readMp4Info(file);
    assert.equal(info.videoCodec, 'avc1');
    assert.equal(info.audioCodec, 'mp4a');
    assert.equal(info.hasAac, true);
    assert.equal(info.tracks.find((t) => t.kind === 'audio')?.objectType, 0x40);
    assert.deepEqual(
      info.tracks.filter((t) => t.kind === 'video').map((t) => [t.width, t.height]),
      [[160, 90]],
    );
    assert.ok(info.durationSeconds !== undefined && Math.abs(info.durationSeconds - 1) < 0.1, `duration ${info.durationSeconds}`);
  });

  it('finds no audio in a silent clip with moov at the front', async () => {
    const info = await readMp4Info(path.join(MEDIA, 'silent.mp4'));
    assert.equal(info.videoCodec, 'avc1');
    assert.equal(info.audioCodec, undefined);
    assert.equal(info.hasAac, false);
    assert.deepEqual(
      info.tracks.map((t) => t.kind),
      ['video'],
    );
    assert.ok(info.durationSeconds !== undefined && Math.abs(info.durationSeconds - 1) < 0.1, `duration ${info.durationSeconds}`);
  });

  it('reads only the box headers and the moov, not the media data', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mp4info-'));
    try {
      // A large mdat (sparse, 3 GiB) in front of the moov: found by walking headers, with a 64-bit size.
      const moov = box('moov', trak('soun', mp4a(0x40)));
      const mdatHead = Buffer.alloc(16);
      mdatHead.writeUInt32BE(1);
      mdatHead.write('mdat', 4, 'latin1');
      const mdatSize = 3 * 1024 ** 3;
      mdatHead.writeBigUInt64BE(BigInt(mdatSize), 8);
      const file = path.join(dir, 'large.mp4');
      const handle = await fs.open(file, 'w');
      await handle.write(box('ftyp', Buffer.from('isom\0\0\0\0isom')), 0);
      await handle.write(mdatHead, 0, 16, 20);
      await handle.write(moov, 0, moov.length, 20 + mdatSize);
      await handle.close();
      const info = await readMp4Info(file);
      assert.equal(info.hasAac, true);
      assert.equal(info.audioCodec, 'mp4a');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('tells AAC from MP3 carried in mp4a, and reads other audio as not AAC', () => {
    assert.equal(parseMoov(moovBody(trak('soun', mp4a(0x40)))).hasAac, true);
    assert.equal(parseMoov(moovBody(trak('soun', mp4a(0x6b)))).hasAac, false);
    assert.equal(parseMoov(moovBody(trak('soun', box('Opus', Buffer.alloc(28))))).hasAac, false);
    // An mp4a with no esds is taken as AAC, its usual content.
    assert.equal(parseMoov(moovBody(trak('soun', box('mp4a', Buffer.alloc(28))))).hasAac, true);
  });

  it('survives truncated and malformed boxes', () => {
    const good = box('moov', trak('soun', mp4a(0x40)));
    for (let cut = 0; cut < good.length; cut += 7) {
      assert.doesNotThrow(() => parseMoov(good.subarray(8, cut)));
    }
    const lying = Buffer.from(good.subarray(8));
    lying.writeUInt32BE(0xfffffff0, 0); // a trak that claims more bytes than there are
    assert.deepEqual(parseMoov(lying).tracks, []);
  });

  it('refuses a file that is not an MP4 with a typed error', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mp4info-'));
    try {
      const file = path.join(dir, 'not.mp4');
      await fs.writeFile(file, '{"error":"this is JSON"}');
      await assert.rejects(readMp4Info(file), (e: unknown) => OpenRouterError.is(e, 'badContent') && e.reason === 'mp4Unreadable');
      await assert.rejects(readMp4Info(path.join(dir, 'missing.mp4')), (e: unknown) => OpenRouterError.is(e) && e.reason === 'mp4Unreadable');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

/** The body of a moov box holding `traks`, as parseMoov takes it. */
function moovBody(...traks: Buffer[]): Buffer {
  return Buffer.concat(traks);
}
