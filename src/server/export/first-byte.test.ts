// contract §5: "An error before the first byte is a JSON ServiceResult; an error after it aborts the response."
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { consume, EXPORT_FORMATS, firstChunk, watchedSource } from '../../../test/support/export-stream-probes.js';
import { awaitFirstByte } from './first-byte.js';

describe.each(EXPORT_FORMATS)('%s export stream behind awaitFirstByte', (_format, streamRows) => {
  it('lets the route learn of a failure before the first byte, while it can still answer with JSON', async () => {
    const { rows } = watchedSource(10, 0);
    await expect(awaitFirstByte(streamRows(rows))).rejects.toThrow('cursor lost');
  });

  it('hands the route every byte once the first exists, and a later failure as an error', async () => {
    const whole = await consume(streamRows(watchedSource(600).rows));
    const handedOver = await consume(await awaitFirstByte(streamRows(watchedSource(600).rows)));
    expect(handedOver).toEqual({ bytes: whole.bytes, hasEnded: true });
    const cut = await consume(await awaitFirstByte(streamRows(watchedSource(5000, 1500).rows)));
    expect(cut).toMatchObject({ hasEnded: false, error: { message: 'cursor lost' } });
  });

  it('closes the source when the route destroys the handed-over stream', async () => {
    const { rows, state } = watchedSource(200_000);
    const stream = await awaitFirstByte(streamRows(rows));
    await firstChunk(stream);
    stream.destroy();
    for (let attempt = 0; attempt < 50 && !state.isReturned; attempt++) await sleep(10);
    expect(state.isReturned).toBe(true);
  });
});
