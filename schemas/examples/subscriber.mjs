// A newsflow subscriber in Node: ArticleStored events from articles.stored, in a consumer group of
// your own, acknowledged after they are handled. The envelope's layout is in schemas/WIRE.md.
//   npm install ioredis@5 && REDIS_URL=redis://127.0.0.1:6379/0 GROUP=my-app node subscriber.mjs
import Redis from 'ioredis';

const MAGIC = Buffer.from([0x89, 0x42, 0x49, 0x4e, 0x0d, 0x0a, 0x1a, 0x0a]); // "\x89BIN\r\n\x1a\n"

// One entry's __data__ value (a Buffer) -> { headers, message }: FastStream's binary envelope, version 1.
export function openEnvelope(data) {
  if (!data.subarray(0, 8).equals(MAGIC)) return { headers: {}, message: JSON.parse(data.toString('utf8')) };
  const version = data.readUInt16BE(8);
  if (version !== 1) throw new Error(`envelope version ${version}: this reader knows version 1`);
  const headerStart = data.readUInt32BE(10);
  const bodyStart = data.readUInt32BE(14);
  let at = headerStart + 2;
  const text = () => {
    const length = data.readUInt16BE(at);
    const value = data.toString('utf8', at + 2, at + 2 + length);
    at += 2 + length;
    return value;
  };
  const headers = {};
  for (let n = data.readUInt16BE(headerStart); n > 0; n--) {
    const key = text();
    headers[key] = text();
  }
  return { headers, message: JSON.parse(data.toString('utf8', bodyStart)) };
}

async function handle(event) {
  // Your work here. It must be safe to repeat: after a crash the same event comes again.
  console.log(JSON.stringify({ change: event.change, article_id: event.article_id, revision: event.revision,
    title: event.title, href: event.href }));
}

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0');
const stream = process.env.STREAM ?? 'articles.stored';
const group = process.env.GROUP ?? 'my-node-app';
const consumer = process.env.CONSUMER ?? 'node-1'; // stable across restarts, one per replica

// '0': the group starts with what the stream still holds; '$' would start with new events only.
await redis.xgroup('CREATE', stream, group, '0', 'MKSTREAM').catch((error) => {
  if (!String(error).includes('BUSYGROUP')) throw error;
});

let from = '0'; // this consumer's own pending entries first (left by a crash), then new ones ('>')
for (;;) {
  const reply = await redis.xreadgroupBuffer('GROUP', group, consumer, 'COUNT', 10, 'BLOCK', 5000,
    'STREAMS', stream, from);
  const entries = reply ? reply[0][1] : [];
  if (from === '0' && entries.length === 0) from = '>';
  for (const [id, fields] of entries) {
    if (fields) { // null: a pending entry trimmed from the stream since
      const at = fields.findIndex((field, i) => i % 2 === 0 && field.toString() === '__data__');
      await handle(openEnvelope(fields[at + 1]).message);
    }
    await redis.xack(stream, group, id);
  }
}
