export { freePort } from '../cluster/free-port.ts'
