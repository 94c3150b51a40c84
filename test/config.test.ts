import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { readConfig } from '../src/server/config.ts'

describe('readConfig', () => {
  test('defaults to 127.0.0.1:3000, one tick a second at random moments, 1000 kept events, no extra origins', () => {
    assert.deepEqual(readConfig({}), {
      port: 3000,
      host: '127.0.0.1',
      feedRate: 1,
      feedPattern: 'random',
      feedCapacity: 1000,
      allowedOrigins: [],
      presenterToken: undefined,
      publicUrl: undefined,
      redisUrl: undefined,
      instanceName: undefined
    })
  })

  test('empty variables count as unset', () => {
    assert.deepEqual(
      readConfig({ PORT: '', HOST: '', FEED_RATE: '', FEED_PATTERN: '', FEED_CAPACITY: '', ALLOWED_ORIGINS: '' }),
      readConfig({})
    )
  })

  test('reads PORT, HOST, FEED_RATE and FEED_CAPACITY from the environment', () => {
    const config = readConfig({ PORT: '8080', HOST: '0.0.0.0', FEED_RATE: '0.5', FEED_CAPACITY: '50' })
    assert.equal(config.port, 8080)
    assert.equal(config.host, '0.0.0.0')
    assert.equal(config.feedRate, 0.5)
    assert.equal(config.feedCapacity, 50)
  })

  test('reads FEED_PATTERN: random, steady or bursts, spaces trimmed', () => {
    assert.equal(readConfig({ FEED_PATTERN: 'steady' }).feedPattern, 'steady')
    assert.equal(readConfig({ FEED_PATTERN: ' bursts ' }).feedPattern, 'bursts')
    assert.equal(readConfig({ FEED_PATTERN: 'random' }).feedPattern, 'random')
  })

  test('throws, naming the variable and the choices, when FEED_PATTERN is none of them', () => {
    assert.throws(
      () => readConfig({ FEED_PATTERN: 'jazzy' }),
      /FEED_PATTERN must be one of random, steady, bursts, got "jazzy"/
    )
    assert.throws(() => readConfig({ FEED_PATTERN: 'Steady' }), /FEED_PATTERN/)
  })

  test('reads PUBLIC_URL as scheme://host[:port]/, spaces trimmed, a trailing slash added', () => {
    assert.equal(
      readConfig({ PUBLIC_URL: 'https://wirewatch.school.example' }).publicUrl,
      'https://wirewatch.school.example/'
    )
    assert.equal(readConfig({ PUBLIC_URL: ' http://10.0.0.5:8080/ ' }).publicUrl, 'http://10.0.0.5:8080/')
    assert.equal(readConfig({ PUBLIC_URL: 'HTTPS://Proxy.Example:443' }).publicUrl, 'https://proxy.example/')
    assert.equal(readConfig({ PUBLIC_URL: '' }).publicUrl, undefined)
  })

  test('throws, naming PUBLIC_URL and what is wrong, for anything but an http(s) address with no path', () => {
    for (const [value, why] of [
      ['wirewatch.school.example', /not a URL/],
      ['ftp://proxy.example', /the scheme is ftp:/],
      ['ws://proxy.example', /the scheme is ws:/],
      ['https://proxy.example/wirewatch', /it has the path \/wirewatch/],
      ['https://proxy.example/?x=1', /query or fragment/],
      ['https://proxy.example/#top', /query or fragment/],
      ['https://teacher:secret@proxy.example', /user name or password/]
    ] as const) {
      assert.throws(
        () => readConfig({ PUBLIC_URL: value }),
        (error: Error) =>
          error.message.startsWith('PUBLIC_URL must be an http:// or https:// address with no path') &&
          error.message.includes(`got "${value}"`) &&
          why.test(error.message),
        value
      )
    }
  })

  test('splits ALLOWED_ORIGINS on commas, trimming spaces and dropping empty entries', () => {
    const { allowedOrigins } = readConfig({ ALLOWED_ORIGINS: ' https://a.example, http://b.example:8080 ,,' })
    assert.deepEqual(allowedOrigins, ['https://a.example', 'http://b.example:8080'])
  })

  test('throws, naming the variable, when a number is not a number or out of range', () => {
    assert.throws(() => readConfig({ PORT: 'eighty' }), /PORT must be a whole number from 0 to 65535, got "eighty"/)
    assert.throws(() => readConfig({ PORT: '1e3' }), /PORT/)
    assert.throws(() => readConfig({ PORT: '70000' }), /PORT/)
    assert.throws(() => readConfig({ FEED_RATE: '51' }), /FEED_RATE/)
    assert.throws(() => readConfig({ FEED_RATE: 'fast' }), /FEED_RATE/)
    assert.throws(() => readConfig({ FEED_CAPACITY: 'Infinity' }), /FEED_CAPACITY/)
  })

  test('reads process.env when given nothing', () => {
    const saved = process.env.PORT
    process.env.PORT = '4321'
    try {
      assert.equal(readConfig().port, 4321)
    } finally {
      if (saved === undefined) delete process.env.PORT
      else process.env.PORT = saved
    }
  })

  test('reads REDIS_URL (redis:// or rediss://) and INSTANCE_NAME, and refuses anything else naming the variable', () => {
    const config = readConfig({ REDIS_URL: ' redis://10.0.0.7:6379 ', INSTANCE_NAME: 'a-1' })
    assert.equal(config.redisUrl, 'redis://10.0.0.7:6379')
    assert.equal(config.instanceName, 'a-1')
    assert.equal(readConfig({ REDIS_URL: 'rediss://cache.example:6380' }).redisUrl, 'rediss://cache.example:6380')
    assert.throws(() => readConfig({ REDIS_URL: 'localhost:6379' }), /REDIS_URL must start with redis:\/\//)
    assert.throws(() => readConfig({ REDIS_URL: 'http://localhost:6379' }), /REDIS_URL must start with redis:\/\//)
    assert.throws(() => readConfig({ REDIS_URL: 'not a url' }), /REDIS_URL must be an address/)
    assert.throws(() => readConfig({ INSTANCE_NAME: '<b>' }), /INSTANCE_NAME must be 1 to 40/)
  })
})
