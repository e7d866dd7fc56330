/** resolveProxy: VS Code's http.proxy first, then the environment; NO_PROXY / http.noProxy; loopback never proxied. */
import * as assert from 'node:assert/strict';
import { resolveProxy } from '../../src/core/api/proxySettings';

const LOOPBACK = 'localhost,127.0.0.1,[::1]';

describe('resolveProxy', () => {
  it('connects directly when nothing is configured', () => {
    assert.deepEqual(resolveProxy({}, {}), {});
    assert.deepEqual(resolveProxy({ proxy: '  ' }, { HTTPS_PROXY: '' }), {});
  });

  it('prefers http.proxy over the environment', () => {
    assert.deepEqual(resolveProxy({ proxy: ' http://corp:3128 ' }, { HTTPS_PROXY: 'http://env:8080' }), {
      proxyUrl: 'http://corp:3128',
      noProxy: LOOPBACK,
      source: 'http.proxy',
    });
  });

  it('falls back to https_proxy, HTTPS_PROXY, http_proxy, HTTP_PROXY, in that order', () => {
    const env = { https_proxy: 'http://a:1', HTTPS_PROXY: 'http://b:2', http_proxy: 'http://c:3', HTTP_PROXY: 'http://d:4' };
    assert.equal(resolveProxy({}, env).proxyUrl, 'http://a:1');
    assert.equal(resolveProxy({}, { ...env, https_proxy: undefined }).proxyUrl, 'http://b:2');
    assert.equal(resolveProxy({}, { http_proxy: 'http://c:3', HTTP_PROXY: 'http://d:4' }).proxyUrl, 'http://c:3');
    assert.deepEqual(resolveProxy({}, { HTTP_PROXY: 'http://d:4' }), { proxyUrl: 'http://d:4', noProxy: LOOPBACK, source: 'environment' });
  });

  it('passes NO_PROXY and http.noProxy on (the client applies them per host), loopback always included', () => {
    assert.equal(resolveProxy({ noProxy: ['internal.corp'] }, { HTTPS_PROXY: 'http://p:1', NO_PROXY: '.openrouter.ai, example.com' }).noProxy, `${LOOPBACK},internal.corp,.openrouter.ai,example.com`);
    assert.equal(resolveProxy({ proxy: 'http://p:1' }, { no_proxy: 'a', NO_PROXY: 'b' }).noProxy, `${LOOPBACK},a`);
  });

  it('turns the proxy off for NO_PROXY=* and http.proxySupport "off"', () => {
    assert.deepEqual(resolveProxy({ proxy: 'http://p:1' }, { NO_PROXY: '*' }), {});
    assert.deepEqual(resolveProxy({ proxy: 'http://p:1', proxySupport: 'off' }, { HTTPS_PROXY: 'http://e:2' }), {});
    assert.equal(resolveProxy({ proxy: 'http://p:1', proxySupport: 'override' }, {}).proxyUrl, 'http://p:1');
  });
});
