// gauntlet's native kernels: float32 NHWC convolutions and max-pool gradients for the tfjs wasm
// backend, computed in place on the wasm heap. kernels.cc is compiled twice, once with AVX2+FMA
// (namespace avx2) and once for any x86-64 or other CPU (namespace generic); addon.cc picks one
// at load time from what the CPU supports.
#pragma once
#include <cstddef>
#include <cstdint>

namespace gauntlet {

/** A stride-1, undilated convolution: x [n,h,w,c] * filter [kh,kw,c,co] -> out [n,oh,ow,co]. */
struct ConvShape {
  int32_t n, h, w, c;    // input
  int32_t kh, kw, co;    // filter
  int32_t oh, ow;        // output
  int32_t top, left;     // zero padding before the first row and column (bottom/right follow from oh/ow)
};

/** Max-pool windows over x [n,h,w,c] -> dy [n,oh,ow,c]. */
struct PoolShape {
  int32_t n, h, w, c;
  int32_t fh, fw, sh, sw;
  int32_t oh, ow;
  int32_t top, left;
};

/** batch products c[m,n] = op(a)·op(b): a is [m,k] or, transposed, [k,m]; b is [k,n] or [n,k]. */
struct MatMulShape {
  int32_t batch, m, k, n;
  int32_t transposeA, transposeB;
  int32_t broadcastA, broadcastB;  // 1: one matrix for every batch entry
  int32_t threads;                 // rows of large products are split over this many threads
};

/** Raises the addon's error for a failed allocation of `bytes` (defined in addon.cc; never returns). */
[[noreturn]] void outOfMemory(size_t bytes);

/** Calls part(context, p) once for each p = 0 … parts−1 and returns when all are done. The calling
 *  thread and up to threads−1 helper threads claim parts in turn, so which thread runs a part varies
 *  and a part's result must not depend on it (defined in addon.cc, compiled for any CPU). */
void runParts(int parts, int threads, void (*part)(void* context, int p), void* context);

#define GAUNTLET_DECLARE_KERNELS(NS)                                                                     \
  namespace NS {                                                                                         \
  /* out = relu?(conv(x, filter) + bias?) ; bias may be null */                                          \
  void conv2d(const ConvShape& s, const float* x, const float* filter, const float* bias, bool relu,     \
              float* out);                                                                               \
  /* dx [n,h,w,c] from dy [n,oh,ow,co] of the convolution s */                                           \
  void conv2dBackpropInput(const ConvShape& s, const float* dy, const float* filter, float* dx);        \
  /* dx [n,h,w,c]: each window's gradient goes to its first strictly greatest input */                  \
  void maxPoolGrad(const PoolShape& s, const float* x, const float* dy, float* dx);                     \
  /* y [n,oh,ow,c]: the greatest value of each window (NaN ignored, -inf for an empty window) */       \
  void maxPool(const PoolShape& s, const float* x, float* y);                                           \
  /* c = relu?(op(a)·op(b) + bias?) ; bias [n] may be null */                                           \
  void matMul(const MatMulShape& s, const float* a, const float* b, const float* bias, bool relu, float* c); \
  /* values[i] = 0 where !(activation[i] > 0): the gradient back through a ReLU */                       \
  void reluMask(size_t count, const float* activation, float* values);                                   \
  /* per row of logits [rows,classes]: loss = logSumExp − logit[label], upstream = softmax − onehot */   \
  void softmaxCrossEntropy(int32_t rows, int32_t classes, const float* logits, const int32_t* labels,     \
                           float* loss, float* upstream);                                                \
  }

GAUNTLET_DECLARE_KERNELS(avx2)
GAUNTLET_DECLARE_KERNELS(generic)

}  // namespace gauntlet
