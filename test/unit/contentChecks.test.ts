import * as assert from 'node:assert/strict';
import {
  describeBody,
  hasFtyp,
  mediaType,
  rangeAccepted,
  refusedContentType,
  sniffNonVideo,
  type RangeAnswer,
} from '../../src/core/download/contentChecks';

const bytes = (text: string) => Buffer.from(text, 'latin1');

describe('contentChecks', () => {
  it('lets video and generic binary types through, and names every other kind', () => {
    const rows: [string | undefined, string | undefined][] = [
      ['video/mp4; codecs="avc1"', undefined],
      ['VIDEO/WEBM', undefined],
      ['application/octet-stream', undefined],
      ['binary/octet-stream', undefined],
      [undefined, undefined],
      ['application/json', 'json'],
      ['application/problem+json', 'json'],
      ['text/html; charset=utf-8', 'html'],
      ['application/xml', 'xml'],
      ['text/plain', 'text'],
      ['image/png', 'image'],
      ['audio/mpeg', 'audio'],
      ['application/zip', 'other'],
    ];
    for (const [header, kind] of rows) {
      assert.equal(refusedContentType(mediaType(header)), kind, String(header));
    }
    assert.equal(mediaType(' ; x=1'), undefined);
  });

  it('sniffs JSON and HTML from the first bytes (after a BOM and white space), and recognises an MP4', () => {
    assert.equal(sniffNonVideo(bytes(' \n\t{"error":1}')), 'json');
    assert.equal(sniffNonVideo(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes('[1]')])), 'json');
    assert.equal(sniffNonVideo(bytes('<!DOCTYPE html>')), 'html');
    assert.equal(sniffNonVideo(bytes('\u0000\u0000\u0000\u0018ftypisom')), undefined);
    assert.equal(sniffNonVideo(new Uint8Array(0)), undefined);
    assert.equal(hasFtyp(bytes('\u0000\u0000\u0000\u0018ftypisom')), true);
    assert.equal(hasFtyp(bytes('\u0000\u0000\u0000\u0018moov')), false);
    assert.equal(hasFtyp(bytes('ftyp')), false);
  });

  it("describes a body by its own message: JSON error envelopes, a page's title, redacted; nothing otherwise", () => {
    assert.equal(describeBody(bytes('{"error":{"message":"Video not ready","code":409}}')), 'Video not ready');
    assert.equal(describeBody(bytes('{"error":"Bad key sk-or-v1-0123456789abcdef"}')), 'Bad key [redacted key]');
    assert.equal(describeBody(bytes('{"message":"Slow down"}')), 'Slow down');
    assert.equal(describeBody(bytes('<html><head><title> Bad Gateway </title>')), 'Bad Gateway');
    assert.equal(describeBody(bytes('{"error":{"code":1}}')), undefined);
    assert.equal(describeBody(bytes('\u0000\u0000ftyp')), undefined);
    assert.equal(describeBody(bytes(`{"message":"${'x'.repeat(500)}"}`))?.length, 200);
  });

  describe('rangeAccepted: does a 206 continue the bytes saved?', () => {
    const answer = (over: Partial<RangeAnswer> = {}): RangeAnswer => ({ statusCode: 206, rangeStart: 1000, totalLength: 5000, contentLength: 4000, ...over });
    const rows: [string, RangeAnswer, number | undefined, boolean, boolean][] = [
      ['a 206 at the offset, same total', answer(), 5000, false, true],
      ['a 206 at the offset, total not known before', answer(), undefined, false, true],
      ['a 206 with no Content-Length', answer({ contentLength: undefined }), 5000, false, true],
      ['bytes from an earlier run, with a total', answer(), undefined, true, true],
      ['a 200 (the Range was ignored)', answer({ statusCode: 200 }), 5000, false, false],
      ['a 206 at another byte', answer({ rangeStart: 900 }), 5000, false, false],
      ['a 206 that does not say where it starts', answer({ rangeStart: undefined }), 5000, false, false],
      ['another total (the file changed)', answer({ totalLength: 6000, contentLength: 5000 }), 5000, false, false],
      ['a length that does not add up to the total', answer({ contentLength: 3000 }), 5000, false, false],
      ['no total, none known before', answer({ totalLength: undefined }), undefined, false, true],
      ['no total, one known before', answer({ totalLength: undefined }), 5000, false, false],
      ['bytes from an earlier run, no total', answer({ totalLength: undefined }), undefined, true, false],
    ];
    for (const [name, response, expectedTotal, fromEarlierRun, accepted] of rows) {
      it(`${name}: ${accepted ? 'accepted' : 'refused'}`, () => {
        assert.equal(rangeAccepted(response, 1000, expectedTotal, fromEarlierRun), accepted);
      });
    }
  });
});
