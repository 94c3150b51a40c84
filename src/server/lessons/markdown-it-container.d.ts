// markdown-it-container ships no types; these are the parts the lessons use.
declare module 'markdown-it-container' {
  import type { MarkdownIt, RendererRule } from 'markdown-it'

  export interface ContainerOptions {
    validate?(params: string): boolean
    render?: RendererRule
    marker?: string
  }

  export default function container(md: MarkdownIt, name: string, options?: ContainerOptions): void
}
