export * from './constants';
export * from './events';
export * from './predictions';
