import { readFile } from 'node:fs/promises'

/** The README's "Behind nginx" block, pointed at these ports: the test runs what the README says. */
export async function readmeConfig(proxyPort: number, appPort: number): Promise<string> {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8')
  const section = readme.split('\n## Behind nginx\n')[1]
  const block = section && /```nginx\n([\s\S]*?)```/.exec(section.split('\n## ')[0] ?? '')?.[1]
  if (!block) throw new Error('README.md has no ```nginx block in its "Behind nginx" section')
  if (!block.includes('listen 80;') || !block.includes('127.0.0.1:3000'))
    throw new Error('the README block must say `listen 80;` and proxy to 127.0.0.1:3000, which the test replaces')
  return block
    .replace('listen 80;', `listen 127.0.0.1:${proxyPort};`)
    .replaceAll('127.0.0.1:3000', `127.0.0.1:${appPort}`)
}

/**
 * nginx's own WebSocket example (nginx.org/en/docs/http/websocket.html) for every path: it
 * sends no Host line, so the app sees `Host: 127.0.0.1:<appPort>` (nginx's `$proxy_host`)
 * while the page's Origin is the proxy's.
 */
export function nginxDocsConfig(proxyPort: number, appPort: number): string {
  return `
map $http_upgrade $connection_upgrade {
    default upgrade;
    ''      close;
}
server {
    listen 127.0.0.1:${proxyPort};
    location / {
        proxy_pass http://127.0.0.1:${appPort};
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
    }
}
`
}
