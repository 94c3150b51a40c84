import { type BrowserContext, test as base, type ConsoleMessage, type Page } from '@playwright/test'

export { expect } from '@playwright/test'

/** An error a page is expected to report, and why: anything else a page says fails the test. */
interface ExpectedError {
  pattern: RegExp
  why: string
}

/**
 * What the pages of one test reported as going wrong: uncaught exceptions, unhandled rejections
 * (`pageerror`) and console errors, in every page of every context the test opened.
 */
export class PageErrors {
  readonly #seen: string[] = []
  readonly #expected: ExpectedError[] = []

  /** Allows errors matching `pattern` in this test (a refused handshake, a 401 the test asks for). */
  expect(pattern: RegExp, why: string): void {
    this.#expected.push({ pattern, why })
  }

  watch(context: BrowserContext): void {
    const watchPage = (page: Page) => {
      page.on('pageerror', (error) => this.#note(`${page.url()}: uncaught ${error.name}: ${error.message}`))
      page.on('console', (message: ConsoleMessage) => {
        if (message.type() === 'error') this.#note(`${page.url()}: console error: ${message.text()}`)
      })
    }
    for (const page of context.pages()) watchPage(page)
    context.on('page', watchPage)
  }

  /** The errors no `expect` allowed. */
  unexpected(): string[] {
    return this.#seen.filter((line) => !this.#expected.some(({ pattern }) => pattern.test(line)))
  }

  #note(line: string): void {
    this.#seen.push(line)
  }
}

/**
 * The e2e specs' `test`: every page a test opens (its own and those of contexts it makes with
 * `browser.newContext()`) fails the test with any page error or console error it reports,
 * unless the test named it with `pageErrors.expect(...)`.
 */
export const test = base.extend<{ pageErrors: PageErrors }>({
  pageErrors: [
    async ({ context, browser }, use) => {
      const errors = new PageErrors()
      errors.watch(context)
      const newContext = browser.newContext.bind(browser)
      browser.newContext = async (...options) => {
        const opened = await newContext(...options)
        errors.watch(opened)
        return opened
      }
      try {
        await use(errors)
      } finally {
        browser.newContext = newContext
      }
      const unexpected = errors.unexpected()
      if (unexpected.length > 0) throw new Error(`the pages reported errors:\n${unexpected.join('\n')}`)
    },
    { auto: true }
  ]
})
