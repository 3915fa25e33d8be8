import { z } from 'zod';

/**
 * zod compiles fast object parsers with `new Function`, and probes for it on the first parse. Under the app's
 * Content Security Policy (no 'unsafe-eval') the probe fails quietly but still fires a `securitypolicyviolation`
 * and logs a console error. `jitless` skips the probe and the compiler; configurations are parsed rarely, so
 * speed does not matter. Imported first by every browser entry that builds schemas (the page, and the sweep, GAN and
 * RNN workers; the training worker has no zod), before any schema parses.
 */
z.config({ jitless: true });
