/**
 * The proxy path: the extension's downloads go through the host's `fetch`, and so through VS Code's network
 * stack and its `http.proxy` setting.
 *
 * The job's video link is OpenRouter's own content URL (the fake's API, on loopback), which redirects to a host
 * that resolves nowhere (`video-cdn.example`, on the fake's storage port), so the bytes can only arrive through
 * the proxy: a loopback CONNECT proxy that records each tunnel and pipes it to the port on this machine. (A link
 * OpenRouter gives must be https or loopback http; where its host redirects is followed as any http(s) redirect,
 * so the made-up host can stay plain http here.)
 *
 * What the extension host does with the setting (code-server 4.100.3, VS Code 1.100.3): a change made at run
 * time with `getConfiguration('http').update('proxy', …, Global)` applies to the next `fetch` at once, and
 * removing it again applies at once too; no new host is needed. Requests to loopback addresses (the fake's API
 * on 127.0.0.1) bypass the proxy; a made-up host name goes through it as `CONNECT <host>:<port>`, plain http
 * included.
 */
import * as assert from 'node:assert/strict';
import * as dns from 'node:dns/promises';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as vscode from 'vscode';
import { cleanUpJobsAfterEach, generate, generateArgs, sampleMp4, useFake, waitForJob } from './helpers';

const MADE_UP_HOST = 'video-cdn.example';

interface ConnectProxy {
  readonly url: string;
  /** The target of every CONNECT, as `host:port`. */
  readonly tunnels: string[];
  close(): Promise<void>;
}

/** A loopback proxy that answers CONNECT by piping the socket to that port on 127.0.0.1, whatever the host. */
async function startConnectProxy(): Promise<ConnectProxy> {
  const tunnels: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    tunnels.push(req.url ?? '');
    const upstream = net.connect(Number(new URL(`http://${req.url ?? ''}`).port), '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    }
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    tunnels,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

async function setProxy(value: string | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('http').update('proxy', value, vscode.ConfigurationTarget.Global);
}

describe("Downloads through VS Code's http.proxy (the host's fetch)", () => {
  const suite = useFake();
  cleanUpJobsAfterEach();
  let proxy: ConnectProxy;
  let previous: string | undefined;

  before(async () => {
    proxy = await startConnectProxy();
    previous = vscode.workspace.getConfiguration('http').inspect<string>('proxy')?.globalValue;
    await setProxy(proxy.url);
  });

  after(async () => {
    await setProxy(previous);
    await proxy.close();
  });

  it(`saves a video whose URL only the proxy can reach, tunnelled as CONNECT ${MADE_UP_HOST}:<port>`, async () => {
    await assert.rejects(dns.lookup(MADE_UP_HOST), `${MADE_UP_HOST} must resolve nowhere, or the test proves nothing`);
    const { fake } = suite;
    const port = new URL(fake.storageOrigin).port;
    fake.queueScript({ statuses: ['completed'], contentRedirectHost: MADE_UP_HOST });

    const jobId = await generate(generateArgs('A lighthouse seen through a proxy, integration test'));
    const record = await waitForJob(jobId);

    assert.equal(record.state, 'saved', `ended ${record.state}: ${JSON.stringify(record.error ?? null)}`);
    assert.ok(proxy.tunnels.includes(`${MADE_UP_HOST}:${port}`), `tunnels: ${proxy.tunnels.join(', ') || '(none)'}`);
    const file = record.outputs[0]?.file;
    assert.ok(file, 'the record names the saved file');
    assert.ok(fs.readFileSync(file).equals(sampleMp4()), 'the saved MP4 is the bytes the fake served');
    const fetched = fake.requestsTo('storage');
    assert.equal(fetched.length, 1, 'one request reached the storage server');
    assert.equal(fetched[0]?.headers.host, `${MADE_UP_HOST}:${port}`, 'it asked for the made-up host');
    assert.equal(fetched[0]?.headers.authorization, undefined, 'the bearer stays on the API origin');
  });
});
