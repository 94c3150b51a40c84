import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { get } from 'node:http'
import { connect as connectHttp2 } from 'node:http2'
import { get as httpsGet } from 'node:https'
import { createServer } from 'node:net'
import { performance } from 'node:perf_hooks'
import type { TestContext } from 'node:test'
import { describe, test } from 'node:test'
import WebSocket from 'ws'
import { openSse } from './clients.ts'
import { delay, eventually, Inbox } from './helper.ts'

/** A port that was free a moment ago. */
async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1')
  await once(probe, 'listening')
  const { port } = probe.address() as { port: number }
  probe.close()
  await once(probe, 'close')
  return port
}

/** Runs `src/server/main.ts` as `npm start` does (without the client build) and waits for its banner. */
async function startProcess(t: TestContext, env: Record<string, string>, args: string[] = []) {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts', ...args], {
    env: { ...process.env, HOST: '127.0.0.1', FEED_RATE: '0', LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  t.after(() => child.kill('SIGKILL'))
  const output = new Inbox<string>()
  child.stdout?.setEncoding('utf8').on('data', (text: string) => output.push(text))
  child.stderr?.setEncoding('utf8').on('data', (text: string) => output.push(text))
  const exited = once(child, 'exit') as Promise<[number | null, string | null]>
  await output.waitUntil((items) => items.join('').includes('wirewatch is running'), 10_000, 'the banner')
  return { child, exited, output: () => output.items.join('') }
}

describe('main (the process)', () => {
  test('listens on PORT and HOST, prints the URL to open, and exits 0 on SIGTERM with a stream open', async (t) => {
    const port = await freePort()
    const server = await startProcess(t, { PORT: String(port) })
    assert.match(server.output(), new RegExp(`http://127\\.0\\.0\\.1:${port}/`))
    const response = await fetch(`http://127.0.0.1:${port}/feed/ajax`)
    assert.deepEqual(await response.json(), { events: [], latest: 0 })
    const stream = await openSse(t, `http://127.0.0.1:${port}/feed/sse`)
    await stream.blocks.waitFor(1)

    const started = performance.now()
    server.child.kill('SIGTERM')
    const [code] = await server.exited
    assert.equal(code, 0)
    assert.ok(performance.now() - started < 2000)
    await stream.ended
  })

  test('with PORT=0 prints the port it really listens on', async (t) => {
    const server = await startProcess(t, { PORT: '0' })
    const url = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(server.output())
    assert.ok(url, server.output())
    assert.notEqual(url[1], '0', 'the printed URL can be opened')
    server.child.kill('SIGTERM')
    await server.exited
  })

  test('--tls serves HTTPS with a certificate made at start and prints its https URL and fingerprint', async (t) => {
    const server = await startProcess(t, { PORT: '0' }, ['--tls'])
    const url = /https:\/\/127\.0\.0\.1:(\d+)\//.exec(server.output())
    assert.ok(url, server.output())
    const fingerprint = /self-signed[\s\S]*([0-9A-F]{2}:){31}[0-9A-F]{2}/
    await eventually(() => assert.match(server.output(), fingerprint))
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      // The certificate is self-signed: this test checks the transport, not the trust.
      httpsGet(`${url[0]}feed/ajax`, { rejectUnauthorized: false }, (response) => {
        let body = ''
        response.setEncoding('utf8').on('data', (text: string) => (body += text))
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }))
      }).on('error', reject)
    })
    assert.equal(answer.status, 200)
    assert.deepEqual(JSON.parse(answer.body), { events: [], latest: 0 })
    server.child.kill('SIGTERM')
    await server.exited
  })

  test('--http2 implies TLS, says it serves HTTP/2 and HTTP/1.1, and answers over both', async (t) => {
    const server = await startProcess(t, { PORT: '0' }, ['--http2'])
    const url = /https:\/\/127\.0\.0\.1:(\d+)\//.exec(server.output())
    assert.ok(url, server.output())
    await eventually(() => assert.match(server.output(), /HTTP\/2, and HTTP\/1\.1/))
    const session = connectHttp2(url[0], { rejectUnauthorized: false })
    t.after(() => session.destroy())
    const status = await new Promise((resolve, reject) => {
      const stream = session.request({ ':path': '/feed/ajax' })
      stream.once('response', (headers) => resolve(headers[':status'])).once('error', reject)
      stream.resume()
    })
    assert.equal(status, 200)
    session.destroy()
    server.child.kill('SIGTERM')
    await server.exited
  })

  test('refuses bad TLS arguments with exit code 2 and one clear line', async () => {
    for (const [args, message] of [
      [['--cert', 'missing.pem'], /--cert and --key go together/],
      [
        ['--cert', 'missing.pem', '--key', 'missing.key'],
        /ENOENT: no such file or directory, open 'missing\.(pem|key)'/
      ],
      [['--tsl'], /Unknown option '--tsl'/]
    ] as const) {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts', ...args], {
        env: { ...process.env, PORT: '0' },
        stdio: ['ignore', 'pipe', 'pipe']
      })
      let stderr = ''
      child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text))
      const [code] = (await once(child, 'exit')) as [number | null]
      assert.equal(code, 2, args.join(' '))
      assert.match(stderr, message)
      assert.equal(stderr.trim().split('\n').length, 1, stderr)
    }
  })

  test("with PUBLIC_URL prints it as the students' address, and the presenter URL stays this process's own", async (t) => {
    const server = await startProcess(t, { PORT: '0', PUBLIC_URL: 'https://wirewatch.school.example' })
    await eventually(() => assert.match(server.output(), /Presenter/))
    assert.match(server.output(), /^Students open: https:\/\/wirewatch\.school\.example\/$/m)
    assert.match(server.output(), /Presenter .*: http:\/\/127\.0\.0\.1:\d+\/presenter#token=/)
    server.child.kill('SIGTERM')
    await server.exited
  })

  test('refuses a PUBLIC_URL with a path with exit code 2 and one clear line', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
      env: { ...process.env, PORT: '0', PUBLIC_URL: 'https://proxy.example/wirewatch' },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text))
    const [code] = (await once(child, 'exit')) as [number | null]
    assert.equal(code, 2)
    assert.match(
      stderr,
      /^wirewatch: PUBLIC_URL must be an http:\/\/ or https:\/\/ address with no path.*it has the path \/wirewatch\n$/
    )
  })

  test('exits within 2 s of SIGTERM with 100 SSE, 100 WebSocket and 100 long-poll clients open; WebSockets hear 1001', async (t) => {
    const server = await startProcess(t, { PORT: '0' })
    const port = Number(/http:\/\/127\.0\.0\.1:(\d+)\//.exec(server.output())?.[1])
    const origin = `http://127.0.0.1:${port}`
    const clients = 100

    const streams = await Promise.all(Array.from({ length: clients }, () => openSse(t, `${origin}/feed/sse?after=0`)))
    const sockets = await Promise.all(
      Array.from({ length: clients }, async () => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/feed/websocket?after=0`, { headers: { origin } })
        t.after(() => ws.terminate())
        const closed = new Promise<number>((resolve) => ws.once('close', resolve))
        await once(ws, 'open')
        return { closed } // wrapped: returning the promise itself would wait for the close
      })
    )
    // Each long poll is held: the feed is empty, so there is nothing after its cursor yet.
    const polls = Array.from(
      { length: clients },
      () =>
        new Promise<number>((resolve) => {
          const request = get(`${origin}/feed/long-polling?after=0&timeout=55000`, { agent: false }, (response) => {
            response.resume()
            resolve(response.statusCode ?? 0)
          })
          request.on('error', () => resolve(0))
          t.after(() => request.destroy())
        })
    )
    await delay(500) // let every poll reach the server and be held

    const started = performance.now()
    server.child.kill('SIGTERM')
    const [code] = await server.exited
    const took = performance.now() - started
    t.diagnostic(`exit ${code} after ${took.toFixed(0)} ms with ${3 * clients} clients open`)
    assert.equal(code, 0)
    assert.ok(took < 2000, `exit took ${took.toFixed(0)} ms`)
    assert.deepEqual(
      new Set(await Promise.all(sockets.map((socket) => socket.closed))),
      new Set([1001]),
      'every WebSocket closed with 1001'
    )
    await Promise.all(streams.map((stream) => stream.ended))
    assert.deepEqual(new Set(await Promise.all(polls)), new Set([204]), 'every held poll answered')
  })
})
