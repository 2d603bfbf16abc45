import { describe, expect, it } from 'vitest';
import { readEnvelope } from './envelope.js';

describe('readEnvelope', () => {
  it('reads a ServiceResult', () => {
    const envelope = readEnvelope({ data: { a: 1 }, status: 'SUCCESS', message: null, validationMessages: null });
    expect(envelope).toEqual({
      data: { a: 1 },
      isFailure: false,
      status: 'SUCCESS',
      message: undefined,
      validationMessages: [],
    });
  });

  it('reads PascalCase keys', () => {
    const envelope = readEnvelope({
      Data: null,
      Status: 'INPUT_ERROR',
      Message: 'Invalid request',
      ValidationMessages: ['pageSize: too big'],
    });
    expect(envelope.isFailure).toBe(true);
    expect(envelope.message).toBe('Invalid request');
    expect(envelope.validationMessages).toEqual(['pageSize: too big']);
  });

  it('reads the legacy { isSuccess, data, messages } envelope', () => {
    expect(readEnvelope({ isSuccess: true, data: [1], messages: [] })).toMatchObject({ data: [1], isFailure: false });
    const failed = readEnvelope({ isSuccess: false, data: null, messages: [{ message: 'nope' }, 'second'] });
    expect(failed).toMatchObject({ isFailure: true, message: 'nope', validationMessages: ['nope', 'second'] });
  });

  it('does not treat an unknown status value as a failure, and ignores extra fields', () => {
    const envelope = readEnvelope({ data: 5, status: 'PARTIAL_CONTENT', traceId: 'x', message: '' });
    expect(envelope).toMatchObject({ data: 5, isFailure: false, status: 'PARTIAL_CONTENT', message: undefined });
  });

  it('takes a body that is no envelope as the payload itself', () => {
    expect(readEnvelope([{ name: 'a' }]).data).toEqual([{ name: 'a' }]);
  });
});
