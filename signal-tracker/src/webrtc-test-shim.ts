// The tests' name for the end-of-candidates shim that the Node host's WebRTC peers use.
export { fireEndOfCandidates } from '../../node-host/end-of-candidates';
