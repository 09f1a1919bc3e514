/**
 * ECharts, tree-shaken (core + bar/line + SVG renderer): SVG keeps bars as DOM nodes the browser tests can
 * read, and follows the page's colours. Every chart has an aria description and a table next to it.
 */
import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';

echarts.use([BarChart, LineChart, GridComponent, TooltipComponent, LegendComponent, AriaComponent, SVGRenderer]);

export function Chart({ option, label, height = 260 }: { option: echarts.EChartsCoreOption; label: string; height?: number }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!el.current) return;
    const dark = document.documentElement.dataset.theme === 'dark' || (!document.documentElement.dataset.theme && matchMedia('(prefers-color-scheme: dark)').matches);
    const c = echarts.init(el.current, dark ? 'dark' : undefined, { renderer: 'svg' });
    // No animation: the numbers are the point, and screenshots/tests see the final chart.
    c.setOption({ backgroundColor: 'transparent', animation: false, aria: { enabled: true, label: { description: label } }, ...option });
    const onResize = () => c.resize();
    addEventListener('resize', onResize);
    return () => {
      removeEventListener('resize', onResize);
      c.dispose();
    };
  }, [option, label]);
  return <div ref={el} role="img" aria-label={label} style={{ width: '100%', height }} />;
}
