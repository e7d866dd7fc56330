/**
 * The one loopback rule: plain http is allowed only to this machine (tests, the sandbox's simulated OpenRouter).
 * `localhost`, all of 127.0.0.0/8 and ::1.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Whether `url` is https, or http to a loopback host. Anything that is not a URL is not. */
export function isSecureOrLoopback(url: string | URL): boolean {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch {
    return false;
  }
  return parsed.protocol === 'https:' || (parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname));
}
