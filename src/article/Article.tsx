import { useEffect, useState, type ReactNode } from 'react';
import { TeX } from './Math';
import { lessonHref, type ArticleLesson } from './lessonLinks';

/**
 * The article beside the lab, in the manner of the text under TensorFlow Playground: what batch normalization
 * computes, why it was proposed, what later work found it does, and its practice. Statements about the papers follow
 * the papers (sections cited). Every number about this app's runs was measured with its engine: the comment beside
 * each names the command (all of them run, over seeds 1–3, by `npm run presets:verify`; the table is in the README).
 */

const SECTIONS = [
  ['computes', 'What it computes'],
  ['why', 'Why it was proposed'],
  ['saturation', 'Saturating units, deep nets'],
  ['smoothing', 'What it actually does'],
  ['learning-rate', 'Higher learning rates'],
  ['init', 'Initialization'],
  ['regularization', 'Regularization'],
  ['small-batches', 'Small batches and the alternatives'],
  ['inference', 'Training versus inference'],
  ['placement', 'Before or after the nonlinearity'],
  ['cnn', 'Convolutions: one mean per channel'],
  ['code', 'In PyTorch and Keras'],
] as const;

type SectionId = (typeof SECTIONS)[number][0];

function Section({ id, children, lesson, tryText }: { id: SectionId; children: ReactNode; lesson?: ArticleLesson; tryText?: string }) {
  const title = SECTIONS.find((s) => s[0] === id)![1];
  return (
    <section id={id} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      {children}
      {lesson && (
        <p className="try">
          <a className="try-it" href={lessonHref(lesson)}>
            <span className="try-label">Try it</span> {tryText}
          </a>
        </p>
      )}
    </section>
  );
}

const Code = ({ children }: { children: string }) => (
  // Focusable, so a keyboard can scroll a long line on a phone.
  <pre tabIndex={0}>
    <code>{children}</code>
  </pre>
);

const PYTORCH = `import torch.nn as nn

net = nn.Sequential(
    nn.Flatten(),
    nn.Linear(784, 100, bias=False),  # β takes the bias's place
    nn.BatchNorm1d(100),              # eps=1e-5, momentum=0.1
    nn.Sigmoid(),
    nn.Linear(100, 10),
)
conv = nn.Sequential(
    nn.Conv2d(1, 16, 3, padding=1, bias=False),
    nn.BatchNorm2d(16),               # one mean, variance, γ, β per channel
    nn.ReLU(),
)

net.train()  # normalize with each batch's statistics; update the running ones
net.eval()   # normalize with the running statistics`;

const KERAS = `import keras
from keras import layers

net = keras.Sequential([
    keras.Input((784,)),
    layers.Dense(100, use_bias=False),
    layers.BatchNormalization(),      # epsilon=1e-3, momentum=0.99, axis=-1
    layers.Activation("sigmoid"),
    layers.Dense(10),
])

net(x, training=True)   # batch statistics (what fit() uses)
net(x, training=False)  # moving averages (what predict() and evaluate() use)`;

export function Article({ initialTheme }: { initialTheme: 'light' | 'dark' }) {
  const [theme, setTheme] = useState(initialTheme);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  // A link to a section (article.html#small-batches) arrives before React has drawn it: go there once it exists.
  useEffect(() => {
    const id = decodeURIComponent(window.location.hash.slice(1));
    if (id) document.getElementById(id)?.scrollIntoView();
  }, []);

  return (
    <div className="article-page">
      <header className="article-header">
        <div className="article-header-row">
          <a className="article-brand" href="./">
            BatchNorm <span>Explorer</span>
          </a>
          <nav aria-label="Pages">
            <a className="article-lab-link" href="./">
              Open the lab
            </a>
          </nav>
          <button type="button" className="icon" onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')} aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}>
            {theme === 'dark' ? '☀' : '☾'}
          </button>
        </div>
      </header>

      <main className="article">
        <h1>Batch normalization: what it computes, and what it does</h1>
        <p className="lede">
          Batch normalization (Ioffe &amp; Szegedy, 2015) standardizes each unit of a layer over the mini-batch, then lets the network rescale it. It made
          deep networks train faster and became a default layer. Why it works turned out to be a different story from the one it was proposed with. This page
          tells both, beside a lab where networks with and without it train in your browser on the same data from the same initial weights. Each section
          ends with a lesson that shows it happen; every number quoted about the lab was measured with its engine.
        </p>

        <nav className="toc" aria-label="Contents">
          <ol>
            {SECTIONS.map(([id, title]) => (
              <li key={id}>
                <a href={`#${id}`}>{title}</a>
              </li>
            ))}
          </ol>
        </nav>

        <Section id="computes" lesson="what-bn-computes" tryText="Step through one batch-norm layer, batch by batch">
          <p>
            Take one unit of a layer (one neuron of a fully connected layer, before its nonlinearity) and a mini-batch of <TeX tex="m" /> examples. The unit
            produces <TeX tex="m" /> values <TeX tex="x_1, \dots, x_m" />, and batch normalization replaces each of them by <TeX tex="y_i" />:
          </p>
          <TeX
            display
            tex={String.raw`\begin{aligned}
\mu_B &= \tfrac{1}{m}\textstyle\sum_{i=1}^{m} x_i\\
\sigma_B^2 &= \tfrac{1}{m}\textstyle\sum_{i=1}^{m} (x_i-\mu_B)^2\\
\hat x_i &= (x_i-\mu_B)\,/\sqrt{\sigma_B^2+\epsilon}\\
y_i &= \gamma\,\hat x_i + \beta
\end{aligned}`}
          />
          <p>
            <TeX tex="\mu_B" /> and <TeX tex="\sigma_B^2" /> are the unit’s mean and variance over this batch. The standardized{' '}
            <TeX tex="\hat x" /> has mean 0 and variance 1 over the batch (the small constant <TeX tex="\epsilon" /> keeps the division safe). The scale{' '}
            <TeX tex="\gamma" /> and shift <TeX tex="\beta" /> are learned, one pair per unit, so the next layer gets whatever range suits it: with{' '}
            <TeX tex="\gamma = \sqrt{\sigma_B^2+\epsilon}" /> and <TeX tex="\beta = \mu_B" /> the layer would undo the normalization entirely (Ioffe &amp;
            Szegedy, §3).
          </p>
          <p>
            Two things follow. An example’s output depends on the other examples in its batch. And training differentiates through <TeX tex="\mu_B" /> and{' '}
            <TeX tex="\sigma_B^2" /> as well: the paper’s §3 derives the gradient of every <TeX tex="x_i" /> through both, and the lab computes exactly those
            equations (its <em>Inside batch norm</em> view shows them with the engine’s numbers for one unit).
          </p>
          <p>
            With a batch of two, <TeX tex="\hat x_{1,2} = \pm\frac{(x_1-x_2)/2}{\sqrt{(x_1-x_2)^2/4+\epsilon}}" />, which is <TeX tex="\pm 1" /> to within{' '}
            <TeX tex="\epsilon" />: whatever the inputs, every unit outputs <TeX tex="\beta+\gamma" /> for one example and <TeX tex="\beta-\gamma" /> for the other.
          </p>
        </Section>

        <Section id="why" lesson="ioffe-mnist" tryText="Reproduce Figure 1 of the paper">
          <p>
            Ioffe and Szegedy called the change in the distribution of a layer’s inputs, caused by the changing parameters of the layers before it,{' '}
            <strong>internal covariate shift</strong>. Every layer has to keep adapting to inputs whose distribution moves, and with a saturating
            nonlinearity such as the sigmoid, inputs that drift into its flat tails stop the gradient. Their remedy was to fix the mean and variance of each
            layer’s inputs, as a part of the network that training differentiates through, rather than once for the data.
          </p>
          <p>
            Their Figure 1 shows the idea on MNIST: three fully connected hidden layers of 100 sigmoid units, trained with and without batch normalization.
            The normalized network reaches a higher test accuracy sooner, and the distribution of a typical sigmoid’s input (its 15th, 50th and 85th
            percentiles) holds steadier over training.
          </p>
          <p>
            {/* npm run experiment -- --preset ioffe-mnist --steps 500 --backend wasm --set seed=K, K = 1, 2, 3 (npm run presets:verify) */}
            The lab’s <em>Ioffe &amp; Szegedy, Figure 1</em> preset is that set-up on 8,000 training digits, scored on the first 1,000 of 2,000 test
            digits. At step 500 batch norm is at 92.1% test accuracy and the plain network at 82.0%; seeds 2 and 3 give the same order. Over those 500
            steps the median of the plain network’s last-layer sigmoid input moves by 0.57, batch norm’s by 0.08 with its running averages (inference mode, as the test set is evaluated; the JSON’s{' '}
            <code>drift.inference</code>) and by 0.07 with each batch’s own statistics (training mode). Read the last number with care: in training mode
            each unit’s normalized input has mean <TeX tex="\beta" /> and standard deviation <TeX tex="\gamma" /> by construction, so there steady
            distributions are what batch norm does by definition; inference mode is the fair comparison. Whether steady inputs are why it helps is the
            question of the section after next.
          </p>
        </Section>

        <Section id="saturation" lesson="deep-sigmoid" tryText="Watch the gradient vanish in a deep sigmoid network">
          <p>
            The sigmoid’s slope is at most 1/4, and beyond <TeX tex="|x| > 4" /> it is under 7% of that. Stack several sigmoid layers and the gradient
            shrinks layer by layer on its way back, so the first layers hardly learn: the vanishing gradient. Normalized inputs stay in the sigmoid’s
            responsive middle. Ioffe &amp; Szegedy (§4.2.2) trained an Inception network with sigmoids in place of ReLUs: with batch normalization it reached
            69.8% accuracy on ImageNet; without it, it never did better than 1/1000.
          </p>
          <p>
            {/* npm run experiment -- --preset deep-sigmoid --steps 500 --backend wasm --set seed=K, K = 1, 2, 3 (npm run presets:verify) */}
            In the lab’s <em>deep sigmoid network</em> (six layers of 64 units), the plain network is still at chance at step 500 (12.9%) while batch norm is
            at 91.8%. The plain network’s first-layer gradient is, on average over the run, about 1/300 of its last layer’s (1/500 to 1/300 over seeds 1 to
            3); with batch norm the first layer’s is about three times the last layer’s.
          </p>
        </Section>

        <Section id="smoothing" lesson="noisy-bn" tryText="Inject Santurkar et al.’s noise after every batch-norm layer">
          <p>
            Three years later, Santurkar, Tsipras, Ilyas and Madry (2018) put the explanation to the test. First, they injected noise after each batch-norm
            layer: random shifts and scales, of non-zero mean and non-unit variance, drawn anew at every step, a covariate shift larger than a plain
            network’s. The noisy network trained about as well as the standard batch-normalized one.{' '}
            {/* npm run lessons:verify -- --lesson noisy-bn (seeds 1, 2, 3; seed 1 quoted) */}
            So it does in the lab: in Figure 1’s network with noise of strength 1 after each batch-norm layer, the 15–85 band of the last sigmoid’s
            input, probed every 10 steps, travels 2.1 to 2.6 times as far as the plain network’s over 500 steps (seeds 1 to 3), yet at step 500
            the noisy network is at 90.6% test accuracy, 0.4 points behind batch norm and 9.7 ahead of the plain network (seed 1). Second, they measured internal covariate shift
            directly, as the change of a layer’s gradient when the layers before it take their step:
          </p>
          <TeX display tex={String.raw`\lVert G - G' \rVert_2 \quad\text{and}\quad \cos(G, G'),`} />
          <p>
            where <TeX tex="G" /> is the gradient of a layer’s weights and <TeX tex="G'" /> the same gradient after the earlier layers are updated. Batch
            norm did not reduce it, and in some networks increased it. Third, they found what it does change: the loss landscape becomes smoother. The loss
            and its gradient change more slowly as the weights move (smaller Lipschitz constants of the loss and of its gradient), so the gradient stays a
            good guide over a longer step. That, in their account, is why batch norm lets networks train faster and at higher learning rates; normalizing
            by other norms (<TeX tex="\ell_1" />, <TeX tex="\ell_2" />, <TeX tex="\ell_\infty" />) worked about as well, without keeping the distributions
            steady.
          </p>
          <p>
            {/* npm run experiment -- --preset spirals --steps 1000 --backend wasm --set seed=K, K = 1, 2, 3 (npm run presets:verify: the "article" rows) */}
            The lab’s <em>Internal covariate shift</em> view measures the same <TeX tex="\lVert G - G' \rVert_2" />, and its caption compares the arms on
            the run on screen. On the <em>Two spirals</em> preset, batch norm’s <TeX tex="\lVert G - G' \rVert_2" />, averaged over 1,000 steps, is larger
            than the plain network’s at every layer after the first, in each of seeds 1 to 3: Santurkar et al.’s observation. Batch norm does not win every
            comparison either: on those spirals the plain network ends with the lower test loss (0.015 against 0.087 at step 1,000, seed 1).
          </p>
          <p className="try">
            <a className="open-lab" href="./?v=1&amp;preset=spirals&amp;views=convergence,ics">
              Open the two spirals in the lab, with the internal-covariate-shift view
            </a>
          </p>
        </Section>

        <Section id="learning-rate" lesson="high-lr" tryText="Train at a learning rate where the plain network fails">
          <p>
            Normalization makes a layer’s output independent of the scale of its weights, and the gradient shrinks as the weights grow (§3.3): for a
            scalar <TeX tex="a" />,
          </p>
          <TeX
            display
            tex={String.raw`\mathrm{BN}((aW)u) = \mathrm{BN}(Wu),\qquad \frac{\partial\,\mathrm{BN}((aW)u)}{\partial (aW)} = \frac{1}{a}\,\frac{\partial\,\mathrm{BN}(Wu)}{\partial W}.`}
          />
          <p>
            A step that inflates the weights is followed by smaller ones, so a large learning rate does not blow up. Ioffe &amp; Szegedy raised their
            Inception network’s learning rate 5-fold and 30-fold (BN-x5, BN-x30) and, with a few other changes, matched the original network’s accuracy in
            14 times fewer training steps.
          </p>
          <p>
            {/* npm run experiment -- --preset ioffe-mnist --steps 500 --backend wasm --set seed=K --set optimizer.learningRate=2.5, and
                npm run experiment -- --preset bn-x5 --steps 500 --backend wasm --set seed=K, K = 1, 2, 3 (npm run presets:verify) */}
            In the lab’s small sigmoid network, five times the Figure 1 rate does not hurt the plain network: at 2.5 it trains as well as at 0.5 (85.2%
            against 82.0% at step 500). At 10, the <em>Higher learning rates</em> preset, the plain network stays at chance (never above 12.9% in 500
            steps) while batch norm reaches 90.1% by step 300.
          </p>
        </Section>

        <Section id="init" lesson="init-scale" tryText="Change the initial scale, with and without batch norm">
          <p>
            The same invariance makes batch norm less sensitive to the scale of the initial weights: in the paper’s words, it lets us “be less careful about
            initialization”. Less careful, not careless.
          </p>
          <p>
            {/* npm run experiment -- --preset ioffe-mnist --steps 500 --backend wasm --set seed=K and
                npm run experiment -- --preset init-scale --steps 500 --backend wasm --set seed=K, K = 1, 2, 3 (npm run presets:verify) */}
            In the lab, raising the initial standard deviation of the Figure 1 network from 0.1 to 0.5 moves the plain network’s test accuracy at step 100
            from 9.8% to 77.3%, and batch norm’s from 89.0% to 83.5%: a much smaller change, but a change, and at 0.5 the plain network catches up by step
            500.
          </p>
        </Section>

        <Section id="regularization" lesson="regularization" tryText="Overfit a small training set, with and without batch norm">
          <p>
            Because an example’s normalized value depends on which other examples share its batch, batch norm adds noise to training. Ioffe &amp; Szegedy
            found that this regularizes: in their Inception network, Dropout could be removed or reduced in strength (§3.4, §4.2.1). How much the noise helps
            is a property of the problem, not a guarantee; the lesson measures it on a small training set and says what it finds.
          </p>
        </Section>

        <Section id="small-batches" lesson="small-batch" tryText="Shrink the batch: batch norm against layer norm">
          <p>
            Batch norm’s statistics come from the batch, so they are noisy when the batch is small; with a batch of two every unit outputs{' '}
            <TeX tex="\beta \pm \gamma" />, and with one there is nothing to normalize by. Two alternatives normalize within each example instead:
          </p>
          <ul>
            <li>
              <strong>Layer normalization</strong> (Ba, Kiros &amp; Hinton, 2016) takes the mean and variance over all the units of a layer for one example. It
              computes the same thing in training and at test time, does not depend on the batch size, and applies at each time step of a recurrent
              network. The Transformer (Vaswani et al., 2017) normalizes every sublayer’s output with it, and transformers since use layer norm or a variant
              of it such as RMSNorm.
            </li>
            <li>
              <strong>Group normalization</strong> (Wu &amp; He, 2018) splits a convolutional layer’s channels into groups and normalizes each group over
              its channels and positions, one example at a time. On ImageNet with ResNet-50 at a batch of 2 images per GPU, its error was 10.6% lower than
              batch norm’s; at the usual batch sizes batch norm stayed slightly better. Layer norm is group norm with a single group.
            </li>
          </ul>
          <p>
            {/* npm run experiment -- --preset small-batch --steps 1000 --backend wasm --set seed=K [--set batchSize=4], K = 1, 2, 3 (npm run presets:verify) */}
            In the lab’s <em>Tiny batches: BN vs LN</em> preset (MNIST, batch 2, learning rate 0.05), layer norm is ahead at step 1,000: 71.0% test accuracy against
            batch norm’s 44.2%. At batch 4 the order reverses: batch norm 82.3%, layer norm 78.1%. Small batches hurt batch norm, but in this network only
            the smallest.
          </p>
        </Section>

        <Section id="inference" lesson="inference-mode" tryText="Switch between the batch’s statistics and the running ones">
          <p>
            At test time there may be a single example, and its prediction should not depend on whichever others happen to be evaluated with it. So batch
            norm keeps running estimates of each unit’s mean and variance during training and normalizes with those at inference. The paper’s Algorithm 2
            averages the statistics of many training batches, with the unbiased variance <TeX tex="\tfrac{m}{m-1}\,\sigma_B^2" />; frameworks keep
            exponential moving averages instead, updated at every training step with a <em>momentum</em>.
          </p>
          <p>
            The two modes compute different functions. A model evaluated in the wrong mode, or with averages that have not caught up with its weights,
            predicts worse than its training loss suggests.{' '}
            {/* npm run experiment -- --preset ioffe-mnist --steps 500 --backend wasm --set seed=K --set normalization.momentum=0.001, K = 1, 2, 3 (npm run presets:verify) */}
            In the lab, with a running-statistics momentum of 0.001 (each batch moves the averages 0.1% of the way), batch norm’s test loss at step 500 is
            1.19 while its training loss is 0.28; seeds 2 and 3 show the same gap.
          </p>
        </Section>

        <Section id="placement" lesson="placement" tryText="Move batch norm after the nonlinearity">
          <p>
            Ioffe &amp; Szegedy normalize the input of the nonlinearity: <TeX tex="z = g(\mathrm{BN}(Wu))" />, without the bias <TeX tex="b" />, since{' '}
            <TeX tex="\beta" /> takes its place (§3.2). Placing batch norm after the nonlinearity is common too; neither placement wins everywhere, and the
            lesson measures both on the same data.
          </p>
        </Section>

        <Section id="cnn" lesson="cnn-mnist" tryText="Batch norm in a small CNN, per channel">
          <p>
            In a convolutional layer, the same filter applies at every position, and batch norm follows suit: all positions of a feature map share one
            normalization (§3.2). A channel’s mean and variance are taken over the batch and every position, so for <TeX tex="N" /> images of{' '}
            <TeX tex="H \times W" /> positions each statistic averages <TeX tex="m = N\cdot H\cdot W" /> values, and each channel has one{' '}
            <TeX tex="\gamma" /> and one <TeX tex="\beta" />. PyTorch’s <code>BatchNorm2d(C)</code> takes <code>(N, C, H, W)</code> tensors; Keras’s{' '}
            <code>BatchNormalization()</code> normalizes the last axis, the channels of channels-last images (<code>axis=1</code> for channels-first).
          </p>
        </Section>

        <Section id="code">
          <p>PyTorch and Keras both train with the batch’s statistics and infer with running ones; their defaults differ.</p>
          <Code>{PYTORCH}</Code>
          <Code>{KERAS}</Code>
          <div className="table-wrap" tabIndex={0} role="region" aria-label="PyTorch and Keras batch-norm defaults">
            <table>
              <thead>
                <tr>
                  <th scope="col" />
                  <th scope="col">PyTorch</th>
                  <th scope="col">Keras</th>
                </tr>
              </thead>
              <tbody>
                <tr>
                  <th scope="row">layer</th>
                  <td>
                    <code>BatchNorm1d(C)</code>, <code>BatchNorm2d(C)</code>
                  </td>
                  <td>
                    <code>BatchNormalization(axis=-1)</code>
                  </td>
                </tr>
                <tr>
                  <th scope="row">ε</th>
                  <td>
                    <code>eps=1e-5</code>
                  </td>
                  <td>
                    <code>epsilon=1e-3</code>
                  </td>
                </tr>
                <tr>
                  <th scope="row">momentum</th>
                  <td>
                    <code>0.1</code>: running = 0.9·running + 0.1·batch
                  </td>
                  <td>
                    <code>0.99</code>: moving = 0.99·moving + 0.01·batch
                  </td>
                </tr>
                <tr>
                  <th scope="row">mode</th>
                  <td>
                    <code>model.train()</code> / <code>model.eval()</code>
                  </td>
                  <td>
                    <code>training=True</code> / <code>training=False</code>
                  </td>
                </tr>
              </tbody>
            </table>
          </div>
          <p>
            The momentum means opposite things: PyTorch’s is the weight of the new batch, Keras’s the weight of the old average. PyTorch’s default 0.1 is
            Keras’s 0.9, and Keras’s default 0.99 is PyTorch’s 0.01, an average over about ten times as many batches. PyTorch’s forward pass normalizes with
            the biased batch variance and stores the unbiased one in <code>running_var</code>. The lab’s momentum slider shows both conventions.
          </p>
        </Section>

        <section id="references" aria-labelledby="references-title">
          <h2 id="references-title">References</h2>
          <ol className="refs">
            <li>
              Sergey Ioffe and Christian Szegedy. <a href="https://arxiv.org/abs/1502.03167">Batch Normalization: Accelerating Deep Network Training by Reducing Internal Covariate Shift</a>. ICML 2015.
            </li>
            <li>
              Shibani Santurkar, Dimitris Tsipras, Andrew Ilyas and Aleksander Madry. <a href="https://arxiv.org/abs/1805.11604">How Does Batch Normalization Help Optimization?</a> NeurIPS 2018.
            </li>
            <li>
              Jimmy Lei Ba, Jamie Ryan Kiros and Geoffrey E. Hinton. <a href="https://arxiv.org/abs/1607.06450">Layer Normalization</a>. 2016.
            </li>
            <li>
              Yuxin Wu and Kaiming He. <a href="https://arxiv.org/abs/1803.08494">Group Normalization</a>. ECCV 2018.
            </li>
            <li>
              Ashish Vaswani et al. <a href="https://arxiv.org/abs/1706.03762">Attention Is All You Need</a>. NeurIPS 2017.
            </li>
          </ol>
          <p className="note">
            About the numbers: every figure quoted about the lab comes from its own engine (WebAssembly backend), for the preset’s seed 1 unless a range is
            given; <code>npm run presets:verify</code> reruns each claim over seeds 1, 2 and 3.
          </p>
        </section>
      </main>
    </div>
  );
}
