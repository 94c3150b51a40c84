import type { AppOptions } from './app.ts'

/** Process settings read from the environment, with the defaults a laptop needs. */
export interface Config extends AppOptions {
  port: number
  host: string
}

function numberFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isFinite(value)) throw new Error(`${name} must be a number, got "${raw}"`)
  return value
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    port: numberFrom(env, 'PORT', 3000),
    host: env.HOST || '127.0.0.1',
    feedRate: numberFrom(env, 'FEED_RATE', 1),
    feedCapacity: numberFrom(env, 'FEED_CAPACITY', 1000),
    allowedOrigins: (env.ALLOWED_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean)
  }
}
