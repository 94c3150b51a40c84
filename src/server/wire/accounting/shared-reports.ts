import { randomUUID } from 'node:crypto'
import type { FastifyPluginAsync } from 'fastify'
import fp from 'fastify-plugin'
import type { WireCounters, WireReport } from '../../../shared/wire-stats.ts'
import type { RedisClient } from '../../redis-client.ts'

/** How often each instance writes its counters of the watched pages. */
const everyMs = 500
/**
 * How long a page's counts are kept after the last write. What an instance counted stays counted after
 * it stops (killed, restarted with its counters at zero): a page's figures never go backwards.
 */
const keptMs = 3_600_000
/** A run that has not written for this long is gone (its connections with it). */
const goneAfterMs = 2000
/** A page is watched while an instance holds its `/wire/live` and says so again within this long. */
const watchedForMs = 5000

const key = {
  /** Sorted set: page client id → when a `/wire/live` last said it watches (epoch ms). */
  watched: '{wirewatch:wire}:watched',
  /** Hash per page client: instance run (`<name>@<id>`, a restarted instance counts afresh) → its report of that page (JSON). */
  page: (client: string) => `{wirewatch:wire}:page:${client}`
}

/**
 * With several instances each measures only its own sockets, but a page's requests go to all of
 * them. So every instance writes, twice a second, its counters of each page some instance is
 * showing figures to (a `/wire/live` open), and the instance holding that page's `/wire/live` adds
 * the others' to its own: the page's figures are every instance's count, and say which instances.
 * The others' part is the last one written (up to a second old); that of an instance gone is its last.
 */
export class SharedWireReports {
  #redis: RedisClient
  #instance: string
  /** This run of the instance: its counters start at zero, so its reports are kept apart from an earlier run's. */
  #run: string
  #reportOf: (client: string) => WireReport
  #timer: NodeJS.Timeout | undefined
  /** Pages this instance holds the `/wire/live` of: how many channels each. */
  #watching = new Map<string, number>()
  /** The other instances' latest reports, per page. */
  #others = new Map<string, Map<string, WireReport & { instance: string }>>()
  /** Whether the last exchange went through: if not, the others' counts are unknown, not zero. */
  #exchanged = false

  constructor(redis: RedisClient, instance: string, reportOf: (client: string) => WireReport) {
    this.#redis = redis
    this.#instance = instance
    this.#run = `${instance}@${randomUUID().slice(0, 8)}`
    this.#reportOf = reportOf
  }

  start(): void {
    this.#timer = setInterval(
      () =>
        void this.#exchange().then(
          () => (this.#exchanged = this.#redis.isReady),
          () => (this.#exchanged = false)
        ),
      everyMs
    )
    this.#timer.unref()
  }

  stop(): void {
    clearInterval(this.#timer)
  }

  /** A `/wire/live` of `client` opened here; returns the function to call when it closes. */
  watch(client: string): () => void {
    this.#watching.set(client, (this.#watching.get(client) ?? 0) + 1)
    return () => {
      const left = (this.#watching.get(client) ?? 1) - 1
      if (left > 0) this.#watching.set(client, left)
      else {
        this.#watching.delete(client)
        this.#others.delete(client)
      }
    }
  }

  /** This instance's report of `client` with the other instances' added, naming every instance counted. */
  report(client: string): WireReport {
    const own = this.#reportOf(client)
    if (!this.#exchanged) return { ...own, instances: [this.#instance], othersUnknown: true }
    const others = [...(this.#others.get(client)?.entries() ?? [])]
    const sum = others.reduce((total, [, report]) => addReports(total, report), own)
    const names = new Set([this.#instance, ...others.map(([, report]) => report.instance)])
    return { ...sum, instances: [...names] }
  }

  /** Says which pages are watched here, writes this instance's counters of every watched page, reads the others'. */
  async #exchange(): Promise<void> {
    if (!this.#redis.isReady) return
    const now = Date.now()
    const watchedHere = [...this.#watching.keys()]
    const multi = this.#redis.multi()
    if (watchedHere.length > 0)
      multi.zAdd(
        key.watched,
        watchedHere.map((client) => ({ score: now, value: client }))
      )
    multi.zRemRangeByScore(key.watched, 0, now - watchedForMs)
    multi.zRange(key.watched, 0, -1)
    const replies = await multi.exec()
    const watched = (replies.at(-1) ?? []) as unknown as string[]
    const writes = this.#redis.multi()
    let writing = false
    for (const client of watched) {
      const report = this.#reportOf(client)
      if (!hasTraffic(report)) continue
      writes.hSet(key.page(client), this.#run, JSON.stringify({ ...report, at: now, instance: this.#instance }))
      writes.pExpire(key.page(client), keptMs)
      writing = true
    }
    if (writing) await writes.exec()
    if (watchedHere.length === 0) return
    const reads = this.#redis.multi()
    for (const client of watchedHere) reads.hGetAll(key.page(client))
    const pages = (await reads.exec()) as unknown as (Record<string, string> | null)[]
    watchedHere.forEach((client, i) => {
      const others = new Map<string, WireReport & { instance: string }>()
      for (const [run, json] of Object.entries(pages[i] ?? {}))
        if (run !== this.#run) {
          const report = JSON.parse(json) as WireReport & { instance: string }
          // Not written for a while: that run is gone, and so are the connections it had open.
          others.set(run, now - report.at > goneAfterMs ? nothingOpen(report) : report)
        }
      // A page whose channel closed meanwhile is not kept.
      if (this.#watching.has(client)) this.#others.set(client, others)
    })
  }
}

/** The counts of a run that is gone: what it counted stays, what it had open is closed. */
function nothingOpen<Report extends WireReport>(report: Report): Report {
  const closed = (rows: Record<string, WireCounters>) =>
    Object.fromEntries(Object.entries(rows).map(([name, row]) => [name, { ...row, openConnections: 0 }]))
  return {
    ...report,
    techniques: closed(report.techniques) as WireReport['techniques'],
    other: closed(report.other) as WireReport['other'],
    ...(report.connectionsNow ? { connectionsNow: { http1: 0, http2: 0 } } : {})
  }
}

/** Whether an instance counted anything for this page: one that never saw it writes nothing. */
function hasTraffic(report: WireReport): boolean {
  const rows = [...Object.values(report.techniques), ...Object.values(report.other)]
  return rows.some((row) => row.requests > 0 || row.bytesIn > 0)
}

function addCounters(sum: WireCounters, more: WireCounters): WireCounters {
  const added = { ...sum }
  for (const field of Object.keys(sum) as (keyof WireCounters)[]) added[field] += more[field] ?? 0
  return added
}

/** `sum` with `more`'s counters added: counts add, the latest request time is the later. */
function addReports(sum: WireReport, more: WireReport): WireReport {
  const techniques = { ...sum.techniques }
  for (const name of Object.keys(techniques) as (keyof typeof techniques)[])
    techniques[name] = addCounters(techniques[name], more.techniques[name])
  const other = { ...sum.other }
  for (const name of Object.keys(other) as (keyof typeof other)[])
    other[name] = addCounters(other[name], more.other[name])
  const lastRequestAt = { ...sum.lastRequestAt }
  for (const [row, at] of Object.entries(more.lastRequestAt ?? {}) as [keyof typeof lastRequestAt, number][])
    lastRequestAt[row] = Math.max(lastRequestAt[row] ?? 0, at)
  const connectionsNow = sum.connectionsNow && {
    http1: sum.connectionsNow.http1 + (more.connectionsNow?.http1 ?? 0),
    http2: sum.connectionsNow.http2 + (more.connectionsNow?.http2 ?? 0)
  }
  return {
    ...sum,
    techniques,
    other,
    lastRequestAt,
    ...(connectionsNow ? { connectionsNow } : {})
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** A page's counters as its figures show them: with several instances, every instance's added up. */
    pageReport(client: string | undefined): WireReport
    /** A `/wire/live` of `client` is open here (its figures want every instance's counts); returns the function that ends it. */
    watchPage(client: string): () => void
  }
}

/** `pageReport` and `watchPage`: this instance's counters alone, or with REDIS_URL every instance's (see `SharedWireReports`). */
const pageReports: FastifyPluginAsync = async (app) => {
  const local = (client: string | undefined) => app.wire.report(client, app.feed.latest)
  if (!app.redis) {
    app.decorate('pageReport', local)
    app.decorate('watchPage', () => () => {})
    return
  }
  const shared = new SharedWireReports(app.redis, app.instanceName, (client) => local(client))
  app.decorate('pageReport', (client: string | undefined) =>
    client === undefined ? { ...local(client), instances: [app.instanceName] } : shared.report(client)
  )
  app.decorate('watchPage', (client: string) => shared.watch(client))
  app.addHook('onReady', async () => shared.start())
  app.addHook('onClose', async () => shared.stop())
}

export default fp(pageReports, {
  name: 'page-reports',
  decorators: { fastify: ['wire', 'feed', 'redis', 'instanceName'] }
})
