// The alert stream with the bearer token in the Authorization header, which EventSource cannot send:
// fetch + a reader of text/event-stream. Reconnects with backoff; the alert log stays the record, so
// whatever was missed while disconnected is read from GET /api/v1/alerts after a reconnect.

export interface StreamHandlers {
  onEvent(event: string, data: string): void
  onState(connected: boolean): void
}

export function openStream(url: string, token: () => string | null, handlers: StreamHandlers): () => void {
  let stopped = false
  let controller: AbortController | null = null
  let delay = 1000

  async function run() {
    while (!stopped) {
      controller = new AbortController()
      try {
        const t = token()
        const res = await fetch(url, { headers: { Accept: 'text/event-stream', ...(t ? { Authorization: `Bearer ${t}` } : {}) }, signal: controller.signal })
        if (!res.ok || !res.body) throw new Error(`stream answered ${res.status}`)
        delay = 1000
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
        let buffer = ''
        for (;;) {
          const { value, done } = await reader.read()
          if (done) break
          buffer += value
          let end: number
          while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
            const block = buffer.slice(0, end)
            buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '')
            let event = 'message'
            const data: string[] = []
            for (const line of block.split(/\r?\n/)) {
              if (line.startsWith('event:')) event = line.slice(6).trim()
              else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''))
            }
            if (event === 'ready') handlers.onState(true)
            handlers.onEvent(event, data.join('\n'))
          }
        }
      } catch {
        /* aborted or dropped: reconnect below */
      }
      handlers.onState(false)
      if (stopped) return
      await new Promise(r => setTimeout(r, delay))
      delay = Math.min(delay * 2, 30000)
    }
  }
  run()
  return () => { stopped = true; controller?.abort() }
}
