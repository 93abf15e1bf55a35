import sys, os, numpy as np, torch
sys.path.insert(0, '/work/main'); sys.path.insert(0, '/work/main/benchmarks')
import mmskr
from mmskr.apis import generate_images, init_model, load_real_images
from mmskr.evaluation.functional.swd import pggan_swd
from skrgan_diagnose import render, rgb
cfg, ckpt = sys.argv[1], sys.argv[2]
model = init_model(cfg, ckpt)
real = load_real_images(cfg, split='train')
rs = load_real_images(cfg, split='train', key='gt_sketch')
out = generate_images(model, list(range(100)))
fs = out['fake_sketch']
def lv(d): return '%.1f (%s)' % (d['avg'], '/'.join('%.0f' % d[k] for k in d if k != 'avg'))
print('n real', len(real))
print('pipeline images', lv(pggan_swd(real, out['fake_img'], seed=0)))
print('render(fake sketches)', lv(pggan_swd(real, render(model, fs), seed=0)))
print('render(real sketches)', lv(pggan_swd(real, render(model, rs), seed=0)))
for name, a in (('real', rs), ('fake', fs)):
    a = a.astype(float)
    print(name, 'sketch: mean %.1f, frac<=2 %.3f, frac>=128 %.3f, q50 %.0f q90 %.0f' % (a.mean(), (a <= 2).mean(), (a >= 128).mean(), np.percentile(a, 50), np.percentile(a, 90)))
# per-image mean intensity distribution (coarse)
for name, a in (('real', real), ('fake', out['fake_img']), ('Gp(real sk)', render(model, rs))):
    m = a.reshape(len(a), -1).mean(1)
    print(name, 'image mean %.1f +- %.1f' % (m.mean(), m.std()))
# cleaned sketches: background snapped to 0
fs2 = fs.copy(); fs2[fs2 < 16] = 0
print('render(fake, bg<16 -> 0)', lv(pggan_swd(real, render(model, fs2), seed=0)))
# batch-stat BN
gen = model.renderer.generators['image']
def render_bn(sk):
    gen.eval()
    for m in gen.modules():
        if isinstance(m, torch.nn.BatchNorm2d): m.train(); m.momentum = 0.0
    with torch.no_grad():
        o = gen(torch.from_numpy(sk).float() / 127.5 - 1).clamp(-1, 1)
    gen.eval()
    return ((o + 1) * 127.5).round().clamp(0, 255).to(torch.uint8).numpy()
print('render(fake) batch-stat BN', lv(pggan_swd(real, render_bn(fs), seed=0)))
print('render(real) batch-stat BN', lv(pggan_swd(real, render_bn(rs), seed=0)))
