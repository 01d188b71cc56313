// The kernels declared in kernels.h, written once with GCC vector extensions (8 float lanes) and
// compiled twice: with -mavx2 -mfma for GAUNTLET_KERNEL_NS=avx2 and without for =generic. Nothing
// from the C++ standard library is instantiated here (threads are run by addon.cc's runParts, exp
// and log are libm's), so the two objects share no inline code.
//
// Convolutions run on one zero-padded copy of each image, in one of two layouts:
//  - channel mode: the image stays NHWC; 8 output channels fill a vector and each input value is
//    broadcast against them, for R pixels of a row at once;
//  - pixel mode (co <= 4, e.g. the input gradient of a 1-channel first layer): the copy is planar (channel, row, column); 8 neighbouring
//    output pixels fill a vector and each filter weight is broadcast against them.
// Sums run in a fixed order (filter row, then filter column and input channel), so results do not
// depend on the batch size or on how a batch is sharded. Large matrix products run their rows in
// fixed blocks, spread over threads (MatMulShape::threads), which changes no row's value.
#include "kernels.h"

#include <math.h>

#include <cstdlib>
#include <cstring>

#ifndef GAUNTLET_KERNEL_NS
#error "compile kernels.cc with -DGAUNTLET_KERNEL_NS=avx2 or =generic"
#endif

namespace gauntlet {
namespace GAUNTLET_KERNEL_NS {
namespace {

typedef float v8 __attribute__((vector_size(32)));
typedef int32_t v8i __attribute__((vector_size(32)));

inline v8 load(const float* p) {
  v8 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void store(float* p, v8 v) { std::memcpy(p, &v, sizeof v); }
inline v8 splat(float s) { return v8{s, s, s, s, s, s, s, s}; }
// max(0, v) as the cpu backend computes it: NaN stays NaN, -0 becomes +0
inline v8 relu8(v8 v) { return v <= 0 ? v8{} : v; }

inline int roundUp8(int n) { return (n + 7) / 8 * 8; }

/** count elements of T, zeroed or not; a failed allocation becomes the addon's JavaScript error. */
template <typename T>
T* allocate(size_t count, bool zeroed) {
  const size_t n = count == 0 ? 1 : count;
  void* p = zeroed ? std::calloc(n, sizeof(T)) : std::malloc(n * sizeof(T));
  if (p == nullptr) outOfMemory(n * sizeof(T));
  return static_cast<T*>(p);
}



/** Copies image b of x into `pad` (rows ph, columns pw, NHWC), zero outside the image. */
void padImage(const ConvShape& s, const float* image, int ph, int pw, float* pad) {
  std::memset(pad, 0, sizeof(float) * size_t(ph) * pw * s.c);
  const int colFirst = s.left < 0 ? -s.left : 0;
  const int colEnd = s.w < pw - s.left ? s.w : pw - s.left;
  if (colEnd <= colFirst) return;
  for (int r = 0; r < ph; r++) {
    const int src = r - s.top;
    if (src < 0 || src >= s.h) continue;
    std::memcpy(pad + (size_t(r) * pw + colFirst + s.left) * s.c, image + (size_t(src) * s.w + colFirst) * s.c,
                sizeof(float) * size_t(colEnd - colFirst) * s.c);
  }
}

/** R output pixels of a row times NB blocks of 8 output channels, in registers. */
template <int R, int NB>
inline void channelTile(const float* pad, int padRow, int c, int kh, int taps, const float* packed, int cop,
                        const float* bias, bool relu, float* out, int coLeft, int co) {
  v8 acc[R][NB];
  for (int b = 0; b < NB; b++) {
    const v8 start = load(bias + b * 8);
    for (int r = 0; r < R; r++) acc[r][b] = start;
  }
  for (int ky = 0; ky < kh; ky++) {
    const float* row = pad + size_t(ky) * padRow;
    const float* weights = packed + size_t(ky) * taps * cop;
    for (int j = 0; j < taps; j++) {
      v8 wv[NB];
      for (int b = 0; b < NB; b++) wv[b] = load(weights + size_t(j) * cop + b * 8);
      for (int r = 0; r < R; r++) {
        const v8 xv = splat(row[r * c + j]);
        for (int b = 0; b < NB; b++) acc[r][b] += xv * wv[b];
      }
    }
  }
  for (int r = 0; r < R; r++) {
    for (int b = 0; b < NB; b++) {
      const v8 v = relu ? relu8(acc[r][b]) : acc[r][b];
      const int lanes = coLeft - b * 8;
      float* dst = out + size_t(r) * co + b * 8;
      if (lanes >= 8) {
        store(dst, v);
      } else {
        float tmp[8];
        store(tmp, v);
        for (int l = 0; l < lanes; l++) dst[l] = tmp[l];
      }
    }
  }
}

template <int R>
struct Pixels {
  static constexpr int value = R;
};

template <int R, int NB>
inline void channelRow(const float* pad, int padRow, const ConvShape& s, const float* packed, int cop,
                       const float* bias, bool relu, float* outRow, int block) {
  const int taps = s.kw * s.c;
  const int coLeft = s.co - block * 8;
  const float* w = packed + block * 8;
  const float* b = bias + block * 8;
  const auto tile = [&](auto pixels, int ox) {
    channelTile<decltype(pixels)::value, NB>(pad + size_t(ox) * s.c, padRow, s.c, s.kh, taps, w, cop, b, relu,
                                             outRow + size_t(ox) * s.co + block * 8, coLeft, s.co);
  };
  int ox = 0;
  for (; ox + R <= s.ow; ox += R) tile(Pixels<R>{}, ox);
  if (ox == s.ow) return;
  // A short last tile would be one slow dependency chain per block: when the row is wide enough,
  // redo the last R pixels instead (same sums in the same order, so the same values).
  if (s.ow >= R) {
    tile(Pixels<R>{}, s.ow - R);
    return;
  }
  for (; ox + 2 <= s.ow; ox += 2) tile(Pixels<2>{}, ox);
  if (ox < s.ow) tile(Pixels<1>{}, ox);
}

void convChannels(const ConvShape& s, const float* x, const float* filter, const float* bias, bool relu,
                  float* out) {
  const int cop = roundUp8(s.co);
  const int blocks = cop / 8;
  const int taps = s.kh * s.kw * s.c;
  // filter [kh,kw,c,co] -> [kh,kw,c,cop], zero in the lanes past co
  float* packed = allocate<float>(size_t(taps) * cop, true);
  float* biasPadded = allocate<float>(cop, true);
  const int ph = s.oh + s.kh - 1;
  const int pw = s.ow + s.kw - 1;
  float* pad = allocate<float>(size_t(ph) * pw * s.c, false);
  for (int t = 0; t < taps; t++) std::memcpy(packed + size_t(t) * cop, filter + size_t(t) * s.co, sizeof(float) * s.co);
  if (bias != nullptr) std::memcpy(biasPadded, bias, sizeof(float) * s.co);
  const int padRow = pw * s.c;
  for (int n = 0; n < s.n; n++) {
    padImage(s, x + size_t(n) * s.h * s.w * s.c, ph, pw, pad);
    for (int oy = 0; oy < s.oh; oy++) {
      const float* padAt = pad + size_t(oy) * padRow;
      float* outRow = out + (size_t(n) * s.oh + oy) * s.ow * s.co;
      for (int block = 0; block < blocks;) {
        const int nb = blocks - block < 4 ? blocks - block : 4;
        switch (nb) {
          case 1: channelRow<8, 1>(padAt, padRow, s, packed, cop, biasPadded, relu, outRow, block); break;
          case 2: channelRow<4, 2>(padAt, padRow, s, packed, cop, biasPadded, relu, outRow, block); break;
          case 3: channelRow<3, 3>(padAt, padRow, s, packed, cop, biasPadded, relu, outRow, block); break;
          default: channelRow<3, 4>(padAt, padRow, s, packed, cop, biasPadded, relu, outRow, block); break;
        }
        block += nb;
      }
    }
  }
  std::free(pad);
  std::free(biasPadded);
  std::free(packed);
}

/** XC blocks of 8 output pixels times CO output channels, in registers; stores the pixels < ow. */
template <int CO, int XC, int ROWS>
inline void pixelTile(const float* planar, int ph, int planeRow, const ConvShape& s, const float* filter,
                      const float* bias, bool relu, int oy, int x0, float* out) {
  v8 acc[ROWS][CO][XC];
  for (int k = 0; k < CO; k++) {
    const v8 start = splat(bias == nullptr ? 0.0f : bias[k]);
    for (int y = 0; y < ROWS; y++)
      for (int b = 0; b < XC; b++) acc[y][k][b] = start;
  }
  for (int ci = 0; ci < s.c; ci++) {
    for (int ky = 0; ky < s.kh; ky++) {
      const float* row = planar + (size_t(ci) * ph + oy + ky) * planeRow + x0;
      for (int kx = 0; kx < s.kw; kx++) {
        const float* w = filter + ((size_t(ky) * s.kw + kx) * s.c + ci) * CO;
        v8 wv[CO];
        for (int k = 0; k < CO; k++) wv[k] = splat(w[k]);
        for (int y = 0; y < ROWS; y++) {
          for (int b = 0; b < XC; b++) {
            const v8 xv = load(row + size_t(y) * planeRow + b * 8 + kx);
            for (int k = 0; k < CO; k++) acc[y][k][b] += xv * wv[k];
          }
        }
      }
    }
  }
  const int end = x0 + XC * 8 < s.ow ? x0 + XC * 8 : s.ow;
  for (int y = 0; y < ROWS; y++) {
    float tmp[CO][XC * 8];
    for (int k = 0; k < CO; k++)
      for (int b = 0; b < XC; b++) store(&tmp[k][b * 8], relu ? relu8(acc[y][k][b]) : acc[y][k][b]);
    float* outRow = out + size_t(oy + y) * s.ow * CO;
    for (int ox = x0; ox < end; ox++)
      for (int k = 0; k < CO; k++) outRow[size_t(ox) * CO + k] = tmp[k][ox - x0];
  }
}

template <int CO, int XC, int ROWS>
void convPixelsImpl(const ConvShape& s, const float* x, const float* filter, const float* bias, bool relu,
                    float* out) {
  const int ph = s.oh + s.kh - 1;
  const int span = XC * 8;
  const int chunks = (s.ow + span - 1) / span;
  // every tile reads span + kw - 1 columns from its start; the last tile may start past ow - span
  const int planeRow = chunks * span + s.kw - 1;
  const int pw = s.ow + s.kw - 1;
  float* pad = allocate<float>(size_t(ph) * pw * s.c, false);
  float* planar = allocate<float>(size_t(s.c) * ph * planeRow, true);
  for (int n = 0; n < s.n; n++) {
    padImage(s, x + size_t(n) * s.h * s.w * s.c, ph, pw, pad);
    for (int ci = 0; ci < s.c; ci++)
      for (int r = 0; r < ph; r++)
        for (int q = 0; q < pw; q++) planar[(size_t(ci) * ph + r) * planeRow + q] = pad[(size_t(r) * pw + q) * s.c + ci];
    float* image = out + size_t(n) * s.oh * s.ow * CO;
    for (int x0 = 0; x0 < s.ow; x0 += span) {
      int oy = 0;
      for (; oy + ROWS <= s.oh; oy += ROWS) pixelTile<CO, XC, ROWS>(planar, ph, planeRow, s, filter, bias, relu, oy, x0, image);
      // as in channel mode: redo the last ROWS rows rather than run a short tile
      if (oy < s.oh && s.oh >= ROWS) pixelTile<CO, XC, ROWS>(planar, ph, planeRow, s, filter, bias, relu, s.oh - ROWS, x0, image);
      else for (; oy < s.oh; oy++) pixelTile<CO, XC, 1>(planar, ph, planeRow, s, filter, bias, relu, oy, x0, image);
    }
  }
  std::free(planar);
  std::free(pad);
}

// co <= 4 only: tiles of XC blocks of 8 pixels and ROWS rows keep 8 to 12 independent sums, enough
// to hide the FMA latency. (co 5-7 measured slower here than channel mode: the planar copy costs more
// than the lanes it fills.)
void convPixels(const ConvShape& s, const float* x, const float* filter, const float* bias, bool relu, float* out) {
  switch (s.co) {
    case 1: convPixelsImpl<1, 4, 2>(s, x, filter, bias, relu, out); break;
    case 2: convPixelsImpl<2, 4, 1>(s, x, filter, bias, relu, out); break;
    case 3: convPixelsImpl<3, 3, 1>(s, x, filter, bias, relu, out); break;
    default: convPixelsImpl<4, 3, 1>(s, x, filter, bias, relu, out); break;
  }
}

/** Products below this many multiply-adds stay on the calling thread: waking a helper costs µs. */
constexpr double kParallelMatMulWork = 2.0e6;
/**
 * Rows of c per part of a product (a multiple of the 6-row tile). The blocks depend on m alone, so
 * a row is computed the same way whatever the number of threads; about 20 parts for 1024 rows let a
 * helper that wakes late still take its share.
 */
constexpr int kMatMulRowsPerPart = 48;

/** runParts (addon.cc) for a callable: it calls back through a plain function pointer. */
template <typename Part>
void inParts(int parts, int threads, const Part& part) {
  runParts(parts, threads, [](void* context, int p) { (*static_cast<const Part*>(context))(p); }, const_cast<Part*>(&part));
}

/** MR rows of c times one panel of 16 columns: 2·MR sums in registers over the whole of k. */
template <int MR>
inline void matMulTile(const float* a, size_t rowStride, size_t colStride, int k, const float* panel,
                       const float* bias, bool relu, float* c, int n, int columns) {
  v8 acc[MR][2];
  for (int h = 0; h < 2; h++) {
    const v8 start = load(bias + h * 8);
    for (int r = 0; r < MR; r++) acc[r][h] = start;
  }
  for (int p = 0; p < k; p++) {
    const v8 b0 = load(panel + size_t(p) * 16);
    const v8 b1 = load(panel + size_t(p) * 16 + 8);
    const float* ap = a + size_t(p) * colStride;
    for (int r = 0; r < MR; r++) {
      const v8 av = splat(ap[r * rowStride]);
      acc[r][0] += av * b0;
      acc[r][1] += av * b1;
    }
  }
  for (int r = 0; r < MR; r++) {
    float* row = c + size_t(r) * n;
    if (columns == 16) {
      store(row, relu ? relu8(acc[r][0]) : acc[r][0]);
      store(row + 8, relu ? relu8(acc[r][1]) : acc[r][1]);
    } else {
      float tmp[16];
      store(tmp, relu ? relu8(acc[r][0]) : acc[r][0]);
      store(tmp + 8, relu ? relu8(acc[r][1]) : acc[r][1]);
      for (int l = 0; l < columns; l++) row[l] = tmp[l];
    }
  }
}

template <int MR>
void matMulRows(const float* a, size_t rowStride, size_t colStride, int k, const float* packed, int panels,
                const float* bias, bool relu, float* c, int n, int row) {
  for (int j = 0; j < panels; j++) {
    const int columns = n - j * 16 < 16 ? n - j * 16 : 16;
    matMulTile<MR>(a + size_t(row) * rowStride, rowStride, colStride, k, packed + size_t(j) * k * 16, bias + j * 16, relu,
                   c + size_t(row) * n + j * 16, n, columns);
  }
}

}  // namespace

void conv2d(const ConvShape& s, const float* x, const float* filter, const float* bias, bool relu, float* out) {
  if (s.co <= 4) {
    convPixels(s, x, filter, bias, relu, out);
  } else {
    convChannels(s, x, filter, bias, relu, out);
  }
}

void conv2dBackpropInput(const ConvShape& s, const float* dy, const float* filter, float* dx) {
  // dx is the convolution of dy with the filter turned by 180 degrees and its channels swapped,
  // padded by kh - 1 - top rows and kw - 1 - left columns.
  const size_t taps = size_t(s.kh) * s.kw;
  float* turned = allocate<float>(taps * s.c * s.co, false);
  for (int ky = 0; ky < s.kh; ky++)
    for (int kx = 0; kx < s.kw; kx++) {
      const float* src = filter + ((size_t(s.kh - 1 - ky) * s.kw + (s.kw - 1 - kx)) * s.c) * s.co;
      float* dst = turned + ((size_t(ky) * s.kw + kx) * s.co) * s.c;
      for (int i = 0; i < s.c; i++)
        for (int j = 0; j < s.co; j++) dst[size_t(j) * s.c + i] = src[size_t(i) * s.co + j];
    }
  const ConvShape back{s.n, s.oh, s.ow, s.co, s.kh, s.kw, s.c, s.h, s.w, s.kh - 1 - s.top, s.kw - 1 - s.left};
  conv2d(back, dy, turned, nullptr, false, dx);
  std::free(turned);
}

void maxPoolGrad(const PoolShape& s, const float* x, const float* dy, float* dx) {
  // The cpu backend's rule (see max-pool-grad-wasm.ts): the first strictly greatest value of a
  // window, row-major, takes its gradient; sums of overlapping windows run in double precision.
  const bool overlap = s.sh < s.fh || s.sw < s.fw;
  const size_t total = size_t(s.n) * s.h * s.w * s.c;
  double* sums = overlap ? allocate<double>(total, true) : nullptr;
  if (!overlap) std::memset(dx, 0, sizeof(float) * total);
  const size_t rowStride = size_t(s.w) * s.c;
  size_t g = 0;
  for (int b = 0; b < s.n; b++) {
    const size_t imageBase = size_t(b) * s.h * rowStride;
    for (int yR = 0; yR < s.oh; yR++) {
      const int rowCorner = yR * s.sh - s.top;
      const int rowMin = rowCorner > 0 ? rowCorner : 0;
      const int rowMax = rowCorner + s.fh < s.h ? rowCorner + s.fh : s.h;
      for (int yC = 0; yC < s.ow; yC++) {
        const int colCorner = yC * s.sw - s.left;
        const int colMin = colCorner > 0 ? colCorner : 0;
        const int colMax = colCorner + s.fw < s.w ? colCorner + s.fw : s.w;
        if (!overlap && s.c % 8 == 0 && rowMax - rowMin == 2 && colMax - colMin == 2) {
          // a full 2x2 window, 8 channels at a time: the same rule with vector compares and selects
          const size_t i0 = imageBase + rowMin * rowStride + size_t(colMin) * s.c;
          const size_t at[4] = {i0, i0 + s.c, i0 + rowStride, i0 + rowStride + s.c};
          for (int d = 0; d < s.c; d += 8, g += 8) {
            v8 best = splat(-__builtin_inff());
            v8i win = v8i{} - 1;
            for (int k = 0; k < 4; k++) {
              const v8 v = load(x + at[k] + d);
              const v8i greater = v > best;
              best = greater ? v : best;
              win = greater ? v8i{} + k : win;
            }
            // each input belongs to this window alone: dx starts at 0, so += leaves 0 + dy there
            const v8 grad = v8{} + load(dy + g);
            for (int k = 0; k < 4; k++) store(dx + at[k] + d, win == k ? grad : v8{});
          }
          continue;
        }
        for (int d = 0; d < s.c; d++, g++) {
          float best = -__builtin_inff();
          long at = -1;
          for (int xR = rowMin; xR < rowMax; xR++) {
            size_t i = imageBase + xR * rowStride + size_t(colMin) * s.c + d;
            for (int xC = colMin; xC < colMax; xC++, i += s.c) {
              // (branch-free forms of this test measured slower: more instructions per value)
              if (x[i] > best) {
                best = x[i];
                at = long(i);
              }
            }
          }
          if (at < 0) continue;
          if (overlap) {
            sums[at] += dy[g];
          } else {
            dx[at] += dy[g];
          }
        }
      }
    }
  }
  if (overlap) {
    for (size_t i = 0; i < total; i++) dx[i] = float(sums[i]);
    std::free(sums);
  }
}

void maxPool(const PoolShape& s, const float* x, float* y) {
  const size_t rowStride = size_t(s.w) * s.c;
  size_t o = 0;
  for (int b = 0; b < s.n; b++) {
    const float* image = x + size_t(b) * s.h * rowStride;
    for (int yR = 0; yR < s.oh; yR++) {
      const int rowCorner = yR * s.sh - s.top;
      const int rowMin = rowCorner > 0 ? rowCorner : 0;
      const int rowMax = rowCorner + s.fh < s.h ? rowCorner + s.fh : s.h;
      for (int yC = 0; yC < s.ow; yC++, o += s.c) {
        const int colCorner = yC * s.sw - s.left;
        const int colMin = colCorner > 0 ? colCorner : 0;
        const int colMax = colCorner + s.fw < s.w ? colCorner + s.fw : s.w;
        float* out = y + o;
        if (rowMax - rowMin == 2 && colMax - colMin == 2) {
          // the common 2x2 window; the same order of comparisons as the loops below
          const float* v0 = image + rowMin * rowStride + size_t(colMin) * s.c;
          const float* v1 = v0 + s.c;
          const float* v2 = v0 + rowStride;
          const float* v3 = v2 + s.c;
          for (int d = 0; d < s.c; d++) {
            float best = -__builtin_inff();
            best = v0[d] > best ? v0[d] : best;
            best = v1[d] > best ? v1[d] : best;
            best = v2[d] > best ? v2[d] : best;
            out[d] = v3[d] > best ? v3[d] : best;
          }
          continue;
        }
        for (int d = 0; d < s.c; d++) out[d] = -__builtin_inff();
        // window values in row-major order, all channels at once; NaN never compares greater
        for (int xR = rowMin; xR < rowMax; xR++) {
          for (int xC = colMin; xC < colMax; xC++) {
            const float* v = image + xR * rowStride + size_t(xC) * s.c;
            for (int d = 0; d < s.c; d++) out[d] = v[d] > out[d] ? v[d] : out[d];
          }
        }
      }
    }
  }
}

void matMul(const MatMulShape& s, const float* a, const float* b, const float* bias, bool relu, float* c) {
  // b is packed into panels of 16 columns ([k][16] each, zero past n); rows of c are computed 6 at a
  // time, every panel while the 6 rows of a are still in cache.
  const int panels = (s.n + 15) / 16;
  float* packed = allocate<float>(size_t(panels) * s.k * 16, false);
  float* biasPadded = allocate<float>(size_t(panels) * 16, true);
  if (bias != nullptr) std::memcpy(biasPadded, bias, sizeof(float) * s.n);
  const size_t aSize = size_t(s.m) * s.k;
  const size_t bSize = size_t(s.k) * s.n;
  const size_t rowStride = s.transposeA ? 1 : s.k;
  const size_t colStride = s.transposeA ? s.m : 1;
  for (int e = 0; e < s.batch; e++) {
    const float* ae = a + (s.broadcastA ? 0 : e * aSize);
    const float* be = b + (s.broadcastB ? 0 : e * bSize);
    float* ce = c + size_t(e) * s.m * s.n;
    if (e == 0 || !s.broadcastB) {
      for (int j = 0; j < panels; j++) {
        float* panel = packed + size_t(j) * s.k * 16;
        for (int p = 0; p < s.k; p++) {
          for (int l = 0; l < 16; l++) {
            const int col = j * 16 + l;
            panel[size_t(p) * 16 + l] = col >= s.n ? 0.0f : s.transposeB ? be[size_t(col) * s.k + p] : be[size_t(p) * s.n + col];
          }
        }
      }
    }
    // rows [first, end): 6 at a time; the last 6 of the range are redone rather than run as a short
    // tile (same sums, same values), so no row's value depends on how the rows are split
    const auto rows = [&](int first, int end) {
      int row = first;
      for (; row + 6 <= end; row += 6) matMulRows<6>(ae, rowStride, colStride, s.k, packed, panels, biasPadded, relu, ce, s.n, row);
      if (row < end && end - first >= 6) {
        matMulRows<6>(ae, rowStride, colStride, s.k, packed, panels, biasPadded, relu, ce, s.n, end - 6);
      } else {
        for (; row + 2 <= end; row += 2) matMulRows<2>(ae, rowStride, colStride, s.k, packed, panels, biasPadded, relu, ce, s.n, row);
        if (row < end) matMulRows<1>(ae, rowStride, colStride, s.k, packed, panels, biasPadded, relu, ce, s.n, row);
      }
    };
    const int parts = (s.m + kMatMulRowsPerPart - 1) / kMatMulRowsPerPart;
    const auto part = [&](int p) { rows(p * kMatMulRowsPerPart, p == parts - 1 ? s.m : (p + 1) * kMatMulRowsPerPart); };
    if (s.threads <= 1 || parts == 1 || double(s.m) * s.k * s.n < kParallelMatMulWork) {
      for (int p = 0; p < parts; p++) part(p);
    } else {
      inParts(parts, s.threads, part);
    }
  }
  std::free(biasPadded);
  std::free(packed);
}

void reluMask(size_t count, const float* activation, float* values) {
  size_t i = 0;
  for (; i + 8 <= count; i += 8) {
    const v8 a = load(activation + i);
    store(values + i, a > 0 ? load(values + i) : v8{});
  }
  for (; i < count; i++) values[i] = activation[i] > 0 ? values[i] : 0.0f;
}

void softmaxCrossEntropy(int32_t rows, int32_t classes, const float* logits, const int32_t* labels, float* loss,
                         float* upstream) {
  // in float64, as in JavaScript; each exp is kept for the second pass when the row fits `kept`
  constexpr int32_t kKept = 64;
  double kept[kKept];
  for (int32_t r = 0; r < rows; r++) {
    const float* row = logits + size_t(r) * classes;
    float* up = upstream + size_t(r) * classes;
    double max = -INFINITY;
    for (int32_t j = 0; j < classes; j++) max = row[j] > max ? row[j] : max;
    double sum = 0;
    for (int32_t j = 0; j < classes; j++) {
      const double e = ::exp(double(row[j]) - max);
      if (j < kKept) kept[j] = e;
      sum += e;
    }
    const int32_t label = labels[r];
    loss[r] = float(max + ::log(sum) - double(row[label]));
    for (int32_t j = 0; j < classes; j++) {
      const double e = j < kKept ? kept[j] : ::exp(double(row[j]) - max);
      up[j] = float(e / sum - (j == label ? 1.0 : 0.0));
    }
  }
}

}  // namespace GAUNTLET_KERNEL_NS
}  // namespace gauntlet
