/**
 * How a dataset's uploaded images ("rows", numbered 0..rows-1) are cut into GPU buffers ("shards"), each within
 * the adapter's limits. Shard s holds rows s * imagesPerShard .. min((s + 1) * imagesPerShard, rows) - 1, whole
 * images only, and every shard but the last is a whole number of u32 words (imagesPerShard * imageBytes is a
 * multiple of 4), so that the gather kernel finds row r at shard r / imagesPerShard, local image
 * r % imagesPerShard, with u32 word addressing from the shard's start (shaders/gather_batch.wgsl).
 */
import { formatBytes } from '../gpu/context.ts';
import { GpuLimitError } from '../gpu/errors.ts';

export interface ShardLayout {
  /** Rows per shard (every shard but the last holds exactly this many). */
  imagesPerShard: number;
  /** Byte size of each shard's buffer (the last rounded up to a whole u32 word). */
  shardBytes: number[];
  /** Sum of shardBytes. */
  totalBytes: number;
}

/** gcd(a, 4) for a positive integer a: 1, 2 or 4. */
const gcd4 = (a: number): number => (a % 4 === 0 ? 4 : a % 2 === 0 ? 2 : 1);

/**
 * The layout of `rows` images of `imageBytes` bytes in shards of at most `maxShardBytes` bytes: as few shards as
 * possible, imagesPerShard the largest multiple of 4 / gcd(imageBytes, 4) (the fewest images that fill whole words)
 * that fits. Throws GpuLimitError, naming the numbers, when not even that many images fit in one shard.
 */
export function shardLayout(what: string, rows: number, imageBytes: number, maxShardBytes: number): ShardLayout {
  const step = 4 / gcd4(imageBytes);
  const imagesPerShard = Math.floor(maxShardBytes / imageBytes / step) * step;
  if (imagesPerShard < 1) {
    throw new GpuLimitError(
      `${what}: ${step} image(s) of ${imageBytes} B (the fewest that fill whole 4-byte words) need ${formatBytes(step * imageBytes)}, ` +
        `more than one GPU buffer may hold here (${formatBytes(maxShardBytes)}, ${maxShardBytes} B)`,
    );
  }
  const shardBytes: number[] = [];
  for (let first = 0; first < rows; first += imagesPerShard) {
    const count = Math.min(imagesPerShard, rows - first);
    shardBytes.push(Math.ceil((count * imageBytes) / 4) * 4);
  }
  return { imagesPerShard, shardBytes, totalBytes: shardBytes.reduce((a, b) => a + b, 0) };
}
