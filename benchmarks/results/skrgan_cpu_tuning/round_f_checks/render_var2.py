import sys, copy, numpy as np, torch
sys.path.insert(0, '/work/main'); sys.path.insert(0, '/work/main/benchmarks')
import mmskr
from mmskr.apis import generate_images, init_model, load_real_images
from mmskr.evaluation.functional.swd import pggan_swd
from skrgan_diagnose import render
cfg, ckpt = sys.argv[1], sys.argv[2]
model = init_model(cfg, ckpt)
real = load_real_images(cfg, split='train')
out = generate_images(model, list(range(100)))
fs = out['fake_sketch']
def lv(d): return '%.1f (%s)' % (d['avg'], '/'.join('%.0f' % d[k] for k in d if k != 'avg'))
def stdm(a): return a.reshape(len(a), -1).mean(1).std()
print('real image-mean std %.1f' % stdm(real))
print('base', lv(pggan_swd(real, render(model, fs), seed=0)), 'std %.1f' % stdm(render(model, fs)))
gen = model.renderer.generators['image']
def u8(o): return ((o.clamp(-1, 1) + 1) * 127.5).round().clamp(0, 255).to(torch.uint8).numpy()
# pix2pix reference test mode: train mode (batch BN + dropout), batch 16
torch.manual_seed(0)
gen.train()
with torch.no_grad():
    o = torch.cat([gen(torch.from_numpy(fs[i:i+16]).float()/127.5-1) for i in range(0, 100, 16)])
gen.eval()
print('train-mode b16', lv(pggan_swd(real, u8(o), seed=0)), 'std %.1f' % stdm(u8(o)))
# AdaBN: recompute running stats on generated sketches of other seeds
cal = generate_images(model, list(range(1000, 1400)))['fake_sketch']
state = copy.deepcopy(gen.state_dict())
for m in gen.modules():
    if isinstance(m, torch.nn.BatchNorm2d):
        m.reset_running_stats(); m.momentum = None
gen.train()
for m in gen.modules():
    if isinstance(m, torch.nn.Dropout): m.eval()
with torch.no_grad():
    for i in range(0, len(cal), 16):
        gen(torch.from_numpy(cal[i:i+16]).float()/127.5-1)
gen.eval()
r = render(model, fs)
print('AdaBN 400 gen sketches', lv(pggan_swd(real, r, seed=0)), 'std %.1f' % stdm(r))
gen.load_state_dict(state)
