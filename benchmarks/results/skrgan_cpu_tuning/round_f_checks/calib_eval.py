import sys, numpy as np
sys.path.insert(0, '/work/main')
import mmskr
from mmskr.apis import generate_images, init_model, load_real_images
from mmskr.evaluation.functional.swd import pggan_swd
from mmskr.evaluation.functional.ms_ssim import ms_ssim_diversity
cfg, ckpt = sys.argv[1], sys.argv[2]
model = init_model(cfg, ckpt)
real = load_real_images(cfg, split='train')
rs = load_real_images(cfg, split='train', key='gt_sketch')
def lv(d): return '%.2f (%s)' % (d['avg'], '/'.join('%.0f' % d[k] for k in d if k != 'avg'))
def stdm(a): return a.reshape(len(a), -1).mean(1).std()
o = generate_images(model, list(range(100)))
print('before: images', lv(pggan_swd(real, o['fake_img'], seed=0)), 'mean-std %.1f' % stdm(o['fake_img']), 'real %.1f' % stdm(real))
rgb = lambda a: np.repeat(a, 3, 1)
print('sketches vs real sketches', lv(pggan_swd(rgb(rs), rgb(o['fake_sketch']), seed=0)), 'sketch mean-std %.1f real %.1f' % (stdm(o['fake_sketch']), stdm(rs)))
model.calibrate_renderer()
o = generate_images(model, list(range(100)))
print('calibrated: images', lv(pggan_swd(real, o['fake_img'], seed=0)), 'ms-ssim %.3f' % ms_ssim_diversity(o['fake_img'], seed=0), 'mean-std %.1f' % stdm(o['fake_img']))
