/** The ticker's settings, as `GET/PUT /feed/ticker` shows them. */
export interface TickerSettings {
  /** Tick events per second, 0 to `limits.feedRateMax`; 0 means no ticks. */
  rate: number
  paused: boolean
}
