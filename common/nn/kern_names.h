/* kern_names - renames every public function of the leveled files
 * (gemm.c, winograd.c, conv.c, pool.c, act.c, dense.c, loss.c, optim.c)
 * to NAME_KERN_SUFFIX, for a level's copy of them (kern.h): included by
 * kern_avx2.c and kern_avx512.c before those files, never elsewhere. A
 * public function added to one of them and not here is defined twice,
 * which the linker reports. */
#ifndef KERN_NAMES_H
#define KERN_NAMES_H

#define KERN_CAT_(a, b) a##_##b
#define KERN_CAT(a, b) KERN_CAT_(a, b)
#define KERN_NAME(f) KERN_CAT(f, KERN_SUFFIX)

#define gemm_ref KERN_NAME(gemm_ref)
#define gemm_packed_b_floats KERN_NAME(gemm_packed_b_floats)
#define gemm_pack_b KERN_NAME(gemm_pack_b)
#define gemm_kstep KERN_NAME(gemm_kstep)
#define gemm KERN_NAME(gemm)
#define gemm_prepacked_b KERN_NAME(gemm_prepacked_b)
#define gemm_ws_alloc KERN_NAME(gemm_ws_alloc)
#define gemm_bf16_round KERN_NAME(gemm_bf16_round)
#define wino_applies KERN_NAME(wino_applies)
#define wino_buf_floats KERN_NAME(wino_buf_floats)
#define wino_dbuf_floats KERN_NAME(wino_dbuf_floats)
#define wino_forward KERN_NAME(wino_forward)
#define wino_prep_floats KERN_NAME(wino_prep_floats)
#define wino_prepare KERN_NAME(wino_prepare)
#define wino_backward KERN_NAME(wino_backward)
#define conv2d_chunk KERN_NAME(conv2d_chunk)
#define conv2d_col_floats KERN_NAME(conv2d_col_floats)
#define conv2d_forward KERN_NAME(conv2d_forward)
#define conv2d_can_pool KERN_NAME(conv2d_can_pool)
#define conv2d_prep_floats KERN_NAME(conv2d_prep_floats)
#define conv2d_prepare KERN_NAME(conv2d_prepare)
#define conv2d_backward KERN_NAME(conv2d_backward)
#define conv2d_forward_ref KERN_NAME(conv2d_forward_ref)
#define maxpool_forward KERN_NAME(maxpool_forward)
#define maxpool_backward KERN_NAME(maxpool_backward)
#define relu_forward KERN_NAME(relu_forward)
#define relu_backward KERN_NAME(relu_backward)
#define dropout_forward KERN_NAME(dropout_forward)
#define dropout_backward KERN_NAME(dropout_backward)
#define dense_tmp_floats KERN_NAME(dense_tmp_floats)
#define dense_forward KERN_NAME(dense_forward)
#define dense_prep_floats KERN_NAME(dense_prep_floats)
#define dense_prepare KERN_NAME(dense_prepare)
#define dense_bias_backward KERN_NAME(dense_bias_backward)
#define dense_backward KERN_NAME(dense_backward)
#define dense_forward_ref KERN_NAME(dense_forward_ref)
#define dense_backward_ref KERN_NAME(dense_backward_ref)
#define softmax_forward KERN_NAME(softmax_forward)
#define crossentropy_sum KERN_NAME(crossentropy_sum)
#define softmax_crossentropy_backward KERN_NAME(softmax_crossentropy_backward)
#define sgd_step_range KERN_NAME(sgd_step_range)

#endif
