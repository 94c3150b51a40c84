// Many distinct pages, each asking once: what the server keeps per page (`?client=<id>`) builds up before a row, so
// the row shows whether it slows the server down.
import { Agent, get } from 'node:http'
import type { TechniqueName } from '../src/shared/techniques.ts'

/** Connections the pages ask over. */
const pagesAskingAtOnce = 20

/**
 * `count` distinct pages (`?client=page-<n>`) each ask once, over a few keep-alive connections so the asking is
 * quick and adds no connections of its own to the row: what the server keeps per page is what is measured.
 */
export async function askAsPages(port: number, technique: TechniqueName, count: number): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: pagesAskingAtOnce })
  let next = 0
  const askOne = (id: number) =>
    new Promise<void>((resolve, reject) => {
      const path = `/feed/${technique}?client=page-${id}`
      get({ host: '127.0.0.1', port, path, agent }, (response) => {
        if (response.statusCode !== 200) reject(new Error(`${path} answered ${response.statusCode}`))
        response.resume().on('end', resolve)
      }).on('error', reject)
    })
  const worker = async () => {
    while (next < count) await askOne(next++)
  }
  try {
    await Promise.all(Array.from({ length: pagesAskingAtOnce }, worker))
  } finally {
    agent.destroy()
  }
}
