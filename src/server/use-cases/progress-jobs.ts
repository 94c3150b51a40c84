import type { FeedPublisher } from '../feed/feed-types.ts'

/**
 * The progress-bar use case's server jobs. A job does nothing but wait (a stand-in for real
 * work, and said so on the page); at its start and after each step it publishes a `progress`
 * event into the feed, so the bar moves as smoothly as the chosen technique delivers.
 *
 * A job may carry a key its page picked: every event of the job names it, so the page knows
 * its job's events even when the first one reaches it before the answer to its `POST /jobs`
 * (a push technique delivers the 0 % event as soon as it is published).
 */
export class ProgressJobs {
  /** Jobs running at once, at most: each one publishes into the feed every page reads. */
  readonly max = 10
  #feed: FeedPublisher
  #next = 1
  #running = new Map<number, NodeJS.Timeout>()

  constructor(feed: FeedPublisher) {
    this.#feed = feed
  }

  /**
   * Starts a job of `steps` steps over `durationMs`, its events carrying `key` when given;
   * its number, or undefined when too many are running.
   */
  start(steps: number, durationMs: number, key?: string): number | undefined {
    if (this.#running.size >= this.max) return undefined
    const job = this.#next++
    // A step the shared store could not take is skipped; the next step's percent says where the job is.
    const publish = (percent: number, done: boolean) =>
      Promise.resolve(
        this.#feed.publish('progress', { job, percent, done, ...(key === undefined ? {} : { key }) })
      ).catch(() => {})
    let step = 0
    const timer = setInterval(() => {
      step++
      const done = step >= steps
      publish(Math.round((step / steps) * 100), done)
      if (done) this.#stop(job)
    }, durationMs / steps)
    timer.unref()
    this.#running.set(job, timer)
    publish(0, false)
    return job
  }

  stopAll(): void {
    for (const job of [...this.#running.keys()]) this.#stop(job)
  }

  #stop(job: number): void {
    clearInterval(this.#running.get(job))
    this.#running.delete(job)
  }
}
