/**
 * What an MP4 holds, read from its boxes (ISO/IEC 14496-12): each track's sample entry (`stsd`: `avc1`,
 * `hvc1`, `mp4a`, …), the video's size and the movie's duration. The player uses it to say plainly when a
 * clip's audio is AAC, which VS Code's webviews cannot decode.
 *
 * Reads through a file handle: the top-level box headers one by one (so a `moov` after a large `mdat` costs
 * a few small reads), then the `moov` box alone. Never the whole file.
 */
import { open } from 'node:fs/promises';
import { describeError, OpenRouterError } from '../api/errors';

export type TrackKind = 'video' | 'audio' | 'other';

export interface Mp4Track {
  kind: TrackKind;
  /** The sample entry's four-character code: `avc1`, `hvc1`, `av01`, `mp4a`, `Opus`, … */
  format: string;
  /** For `mp4a`: the ES descriptor's object type (0x40 is AAC, 0x69 and 0x6b are MP3), when present. */
  objectType?: number;
  width?: number;
  height?: number;
}

export interface Mp4Info {
  /** The movie's duration in seconds (`mvhd`), when the file says. */
  durationSeconds?: number;
  tracks: Mp4Track[];
  /** The first video track's sample entry code. */
  videoCodec?: string;
  /** The first audio track's sample entry code. */
  audioCodec?: string;
  /** Whether an audio track is AAC (`mp4a` with an AAC object type, or none given). */
  hasAac: boolean;
}

/** A `moov` larger than this is not read (a real one is a few hundred KB even for long clips). */
const MAX_MOOV_BYTES = 64 * 1024 * 1024;
/** Object types of `mp4a` that are not AAC (MPEG-1/2 audio layers). */
const NOT_AAC = new Set([0x69, 0x6b]);

/** Reads the MP4 at `file`. Throws `badContent/mp4Unreadable` when it is not an MP4 with a `moov` box. */
export async function readMp4Info(file: string): Promise<Mp4Info> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw unreadable(file, describeError(error), error);
  }
  try {
    const { size } = await handle.stat();
    const moov = await findTopLevelBox(
      async (position, length) => {
        const buffer = Buffer.alloc(length);
        const { bytesRead } = await handle.read(buffer, 0, length, position);
        return buffer.subarray(0, bytesRead);
      },
      size,
      'moov',
    );
    if (!moov) throw unreadable(file, 'no moov box');
    if (moov.size > MAX_MOOV_BYTES) throw unreadable(file, `moov box of ${moov.size} bytes`);
    const body = Buffer.alloc(moov.size - moov.headerSize);
    const { bytesRead } = await handle.read(body, 0, body.length, moov.offset + moov.headerSize);
    if (bytesRead < body.length) throw unreadable(file, 'moov box cut short');
    return parseMoov(body);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

interface BoxHeader {
  type: string;
  offset: number;
  /** The whole box, header included. */
  size: number;
  headerSize: number;
}

type ReadAt = (position: number, length: number) => Promise<Buffer>;

/** Walks the top-level boxes by their headers until `type` is found. */
async function findTopLevelBox(readAt: ReadAt, fileSize: number, type: string): Promise<BoxHeader | undefined> {
  let offset = 0;
  while (offset + 8 <= fileSize) {
    const head = await readAt(offset, 16);
    const header = boxHeader(head, 0, fileSize - offset);
    if (!header) return undefined;
    if (header.type === type) return { ...header, offset };
    offset += header.size;
  }
  return undefined;
}

/** The box header at `at` in `buffer`, or undefined when it is malformed. `room` is the space left for the box. */
function boxHeader(buffer: Buffer, at: number, room: number): Omit<BoxHeader, 'offset'> | undefined {
  if (at + 8 > buffer.length) return undefined;
  let size = buffer.readUInt32BE(at);
  const type = buffer.toString('latin1', at + 4, at + 8);
  let headerSize = 8;
  if (size === 1) {
    if (at + 16 > buffer.length) return undefined;
    const large = buffer.readBigUInt64BE(at + 8);
    if (large > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
    size = Number(large);
    headerSize = 16;
  } else if (size === 0) {
    size = room; // runs to the end of its container
  }
  if (size < headerSize || size > room) return undefined;
  return { type, size, headerSize };
}

/** The child boxes of the box body `buffer[start, end)`. */
function* children(buffer: Buffer, start: number, end: number): Generator<{ type: string; start: number; end: number }> {
  let at = start;
  while (at + 8 <= end) {
    const header = boxHeader(buffer, at, end - at);
    if (!header) return;
    yield { type: header.type, start: at + header.headerSize, end: at + header.size };
    at += header.size;
  }
}

function child(buffer: Buffer, start: number, end: number, type: string): { start: number; end: number } | undefined {
  for (const box of children(buffer, start, end)) if (box.type === type) return box;
  return undefined;
}

/** The tracks and duration from the `moov` box's body. */
export function parseMoov(moov: Buffer): Mp4Info {
  const tracks: Mp4Track[] = [];
  let durationSeconds: number | undefined;
  for (const box of children(moov, 0, moov.length)) {
    if (box.type === 'mvhd') durationSeconds = movieDuration(moov, box.start, box.end);
    if (box.type === 'trak') tracks.push(...trackEntries(moov, box.start, box.end));
  }
  const video = tracks.find((t) => t.kind === 'video');
  const audio = tracks.find((t) => t.kind === 'audio');
  const hasAac = tracks.some((t) => t.kind === 'audio' && t.format === 'mp4a' && (t.objectType === undefined || !NOT_AAC.has(t.objectType)));
  const info: Mp4Info = { tracks, hasAac };
  if (durationSeconds !== undefined) info.durationSeconds = durationSeconds;
  if (video) info.videoCodec = video.format;
  if (audio) info.audioCodec = audio.format;
  return info;
}

/** `mvhd`: version 0 has 32-bit times, version 1 64-bit. An all-ones duration means unknown. */
function movieDuration(buffer: Buffer, start: number, end: number): number | undefined {
  const version = buffer.readUInt8(start);
  const at = start + 4 + (version === 1 ? 16 : 8);
  const durationBytes = version === 1 ? 8 : 4;
  if (at + 4 + durationBytes > end) return undefined;
  const timescale = buffer.readUInt32BE(at);
  const duration = version === 1 ? Number(buffer.readBigUInt64BE(at + 4)) : buffer.readUInt32BE(at + 4);
  const unknown = version === 1 ? duration >= Number.MAX_SAFE_INTEGER : duration === 0xffffffff;
  if (timescale === 0 || unknown || duration === 0) return undefined;
  return duration / timescale;
}

/** The sample entries of one `trak`: mdia → hdlr (the kind), minf → stbl → stsd (the entries). */
function trackEntries(buffer: Buffer, start: number, end: number): Mp4Track[] {
  const mdia = child(buffer, start, end, 'mdia');
  if (!mdia) return [];
  const hdlr = child(buffer, mdia.start, mdia.end, 'hdlr');
  const handler = hdlr && hdlr.start + 12 <= hdlr.end ? buffer.toString('latin1', hdlr.start + 8, hdlr.start + 12) : '';
  const kind: TrackKind = handler === 'vide' ? 'video' : handler === 'soun' ? 'audio' : 'other';
  const minf = child(buffer, mdia.start, mdia.end, 'minf');
  const stbl = minf && child(buffer, minf.start, minf.end, 'stbl');
  const stsd = stbl && child(buffer, stbl.start, stbl.end, 'stsd');
  if (!stsd || stsd.start + 8 > stsd.end) return [];
  // Full box (version, flags), entry count, then each entry as a box named by its format.
  const tracks: Mp4Track[] = [];
  for (const entry of children(buffer, stsd.start + 8, stsd.end)) {
    const track: Mp4Track = { kind, format: entry.type };
    if (kind === 'video') Object.assign(track, visualSize(buffer, entry.start, entry.end));
    if (kind === 'audio' && entry.type === 'mp4a') {
      const objectType = audioObjectType(buffer, entry.start, entry.end);
      if (objectType !== undefined) track.objectType = objectType;
    }
    tracks.push(track);
  }
  return tracks;
}

/** VisualSampleEntry: 6 reserved, data reference index, 16 pre-defined/reserved, then width and height. */
function visualSize(buffer: Buffer, start: number, end: number): { width?: number; height?: number } {
  if (start + 28 > end) return {};
  return { width: buffer.readUInt16BE(start + 24), height: buffer.readUInt16BE(start + 26) };
}

/**
 * AudioSampleEntry: 28 bytes of fields (36 or 56 in QuickTime's sound description versions 1 and 2), then
 * child boxes; `esds` holds ES_Descriptor (tag 3) → DecoderConfigDescriptor (tag 4) → objectTypeIndication.
 */
function audioObjectType(buffer: Buffer, start: number, end: number): number | undefined {
  if (start + 28 > end) return undefined;
  const version = buffer.readUInt16BE(start + 8);
  const fields = version === 1 ? 44 : version === 2 ? 64 : 28;
  const esds = child(buffer, start + fields, end, 'esds');
  if (!esds) return undefined;
  let at = esds.start + 4; // version and flags
  const es = descriptor(buffer, at, esds.end);
  if (!es || es.tag !== 0x03) return undefined;
  at = es.start;
  if (at + 3 > es.end) return undefined;
  const flags = buffer.readUInt8(at + 2);
  at += 3;
  if (flags & 0x80) at += 2; // dependsOn_ES_ID
  if (flags & 0x40 && at < es.end) at += 1 + buffer.readUInt8(at); // URL
  if (flags & 0x20) at += 2; // OCR_ES_Id
  const config = descriptor(buffer, at, es.end);
  if (!config || config.tag !== 0x04 || config.start >= config.end) return undefined;
  return buffer.readUInt8(config.start);
}

/** An MPEG-4 descriptor: a tag, then a length in up to four 7-bit bytes. */
function descriptor(buffer: Buffer, at: number, end: number): { tag: number; start: number; end: number } | undefined {
  if (at >= end) return undefined;
  const tag = buffer.readUInt8(at++);
  let length = 0;
  for (let i = 0; i < 4; i++) {
    if (at >= end) return undefined;
    const byte = buffer.readUInt8(at++);
    length = (length << 7) | (byte & 0x7f);
    if (!(byte & 0x80)) break;
  }
  return at + length <= end ? { tag, start: at, end: at + length } : undefined;
}

function unreadable(file: string, detail: string, cause?: unknown): OpenRouterError {
  return new OpenRouterError('badContent', 'mp4Unreadable', { file, detail }, { cause });
}
