// Public surface of the packet engine.
export * from './types';
export { Decoder } from './decoder';
export { CaptureReader, type CaptureFormat, type CaptureInterface, type FrameSink } from './io/reader';
export { CaptureFormatError } from './io/errors';
export { dissectFrame, type DissectResult } from './dissect/index';
export { newSession, type Session } from './session';
export { lookupField, allFields, type FieldDef, type FieldKind } from './fields/registry';
export { walk, FieldSink } from './fields/tree';
export { PcapngWriter, type PcapngWriterOptions, type PcapngInterfaceSpec, type PcapngChunk, type InterfacePicker } from './io/pcapng-writer';
