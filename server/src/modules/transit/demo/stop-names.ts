// Names for the demo network's stops, as a passenger would read them on a stop sign: a hub at each
// district centre where lines meet (黄浦枢纽站), and between hubs crossroads (长江路中山路口) and
// landmarks (人民公园). Deterministic, and unique across the network, so a search finds one place.
import { mulberry32 } from '../../../sim/vitals-simulator.js';

/** The district centres' names, by the codes of the demo city's districts. */
export const DISTRICT_NAMES: Record<string, string> = {
  huangpu: '黄浦', binjiang: '滨江', xinhe: '新河', nanhu: '南湖', xigang: '西港', dongshan: '东山', lingang: '临港', beiyuan: '北苑',
};

const ROADS = ['长江', '黄河', '人民', '解放', '中山', '建设', '和平', '新华', '复兴', '延安', '淮海', '江宁', '昌平', '光明', '胜利', '文化', '学院',
  '青年', '友谊', '平安', '朝阳', '湖滨', '滨河', '锦绣', '银杏', '梧桐', '樱花', '枫林', '松江', '海港', '东方', '世纪', '金桥', '龙华', '桃源', '云台',
  '丰收', '翠湖', '望江', '海城', '振兴', '同心', '石桥', '柳塘', '白沙', '青松', '红星', '春晖'];
const KINDS = ['路', '路', '路', '大道', '街'];
const PLACES = ['公园', '中学', '小学', '医院', '新村', '广场', '体育中心', '图书馆', '菜市场', '商城', '花园', '大学', '科技园', '工业园', '地铁站', '文化宫', '社区中心', '菜场'];

/** Hubs are named after their district; a line's ends lie at district centres. */
export const hubName = (district: string) => `${DISTRICT_NAMES[district] ?? district}枢纽站`;

/** Hands out stop names, never the same one twice (a seeded generator picks from the pools). */
export class StopNamer {
  private readonly used = new Set<string>();
  private readonly random: () => number;

  constructor(seed: number) {
    this.random = mulberry32(seed);
  }

  private pick<T>(list: T[]): T {
    return list[Math.floor(this.random() * list.length)]!;
  }

  /** The next stop's name along a line: two of three are crossroads, the others landmarks. */
  next(index: number): string {
    for (;;) {
      if (index % 3 === 2) {
        const name = `${this.pick(ROADS)}${this.pick(PLACES)}`;
        if (this.used.has(name)) continue;
        this.used.add(name);
        return name;
      }
      // A crossing is one place whichever road is named first: 长江路中山路口 rules out 中山路长江路口.
      const [a, b] = [this.pick(ROADS), this.pick(ROADS)];
      const crossing = [a, b].sort().join('+');
      if (a === b || this.used.has(crossing)) continue;
      this.used.add(crossing);
      return `${a}${this.pick(KINDS)}${b}路口`;
    }
  }
}
