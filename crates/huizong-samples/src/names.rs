//! Text tables for the demo county: the syllables that make place names, a county's bureaus and
//! schools, people's names, study themes, agenda items and the traditional spellings a header
//! may use, plus the roster built from them. Pure data and the small functions that draw from
//! it; nothing here touches files or knows how a workbook is laid out.

use std::collections::HashSet;

use anyhow::{Result, bail};

use super::Rng;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum UnitKind {
    Town,
    Street,
    Department,
    Park,
    School,
}

impl UnitKind {
    pub(crate) const ALL: [UnitKind; 5] = [
        UnitKind::Town,
        UnitKind::Street,
        UnitKind::Department,
        UnitKind::Park,
        UnitKind::School,
    ];

    /// Percent of a county's units of each kind, in `ALL` order.
    const SHARE: [usize; 5] = [45, 15, 25, 5, 10];

    /// The schema's 单位类型, also the folder a unit's workbook goes in.
    pub(crate) fn label(self) -> &'static str {
        match self {
            UnitKind::Town => "乡镇",
            UnitKind::Street => "街道",
            UnitKind::Department => "部门",
            UnitKind::Park => "园区",
            UnitKind::School => "学校",
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct RosterUnit {
    pub(crate) name: String,
    pub(crate) kind: UnitKind,
    pub(crate) aliases: Vec<String>,
}

const FIRST: &str = "龙凤石青白金马桃柳松清安永新长平东西南北大小黄红高双三五太云河湖宝福兴丰梅竹杨沙\
古花水银玉明樟枫荷莲鹤鹿牛狮望观仁和同德文武富泰华顺岳临旺吉瑞乐康嘉麻田官峡";
const SECOND: &str = "爪山田桥溪口塘坪岭湾坝店集庄源泉林阳门峰关铺岗坡埠渡洲寨坊河江湖水石滩岩冲垭头\
营堡城屯沟台场圩港亭寺井洞滨潭陂畈园州丘坳嘴岙墩堰陵苑";
/// Names that read like real townships, used first so a small county looks real.
const PLACES: [&str; 60] = [
    "龙爪", "石桥", "青山", "白沙", "金塘", "马坪", "桃源", "柳溪", "松林", "清泉", "安平", "永丰",
    "新田", "长岭", "红岩", "高桥", "双河", "三江", "太平", "云台", "河口", "宝山", "福田", "兴隆",
    "丰乐", "梅林", "竹山", "沙坪", "古城", "花桥", "水口", "银山", "玉泉", "樟树", "枫林", "荷塘",
    "莲花", "鹤山", "鹿鸣", "狮山", "观音", "仁和", "同心", "德胜", "文昌", "富田", "泰和", "顺河",
    "岳坪", "临江", "旺溪", "吉庆", "瑞丰", "乐安", "康宁", "嘉禾", "麻田", "官渡", "峡口", "大坪",
];
const PREFIX: &str = "上下大小新老东西南北前后中高长双三沙半横";

/// Real county bodies first, so a small county looks like a real one; `=` gives the roster
/// alias.
const DEPARTMENTS: &str = "县委办公室=县委办 县政府办公室=县政府办 县委组织部 县委宣传部 县委统战部 \
    县委政法委 县纪委监委=县纪委 县委网信办 县发展和改革局=县发改局 县教育局 县科学技术局=县科技局 \
    县工业和信息化局=县工信局 县公安局 县民政局 县司法局 县财政局 县人力资源和社会保障局=县人社局 \
    县自然资源局 县住房和城乡建设局=县住建局 县交通运输局=县交通局 县水利局 县农业农村局=县农业局 \
    县商务局 县文化广电和旅游局=县文广旅局 县卫生健康局=县卫健局 县退役军人事务局=县退役军人局 \
    县应急管理局=县应急局 县审计局 县市场监督管理局=县市场监管局 县统计局 县医疗保障局=县医保局 \
    县林业局 县信访局 县数据局 县融媒体中心 县总工会 团县委 县妇联 县档案馆 县委党校";
/// Township outposts of county bureaus, for counties larger than the bureau list.
const OUTPOSTS: [(&str, &str); 8] = [
    ("县财政局", "财政所"),
    ("县自然资源局", "自然资源所"),
    ("县市场监督管理局", "市场监管所"),
    ("县司法局", "司法所"),
    ("县公安局", "派出所"),
    ("县农业农村局", "农技站"),
    ("县水利局", "水利站"),
    ("县林业局", "林业站"),
];
const STREETS: [&str; 6] = ["城关", "城东", "城西", "城南", "城北", "滨江"];
const PARK_SUFFIXES: [&str; 4] = ["工业园区", "产业园", "物流园区", "农业产业园"];
const SCHOOLS: [(&str, &str); 7] = [
    ("县第一中学", "县一中"),
    ("县第二中学", "县二中"),
    ("县实验小学", ""),
    ("县第三中学", "县三中"),
    ("县实验中学", ""),
    ("县第二实验小学", ""),
    ("县职业中等专业学校", "县职专"),
];
const SCHOOL_SUFFIXES: [&str; 4] = ["中心小学", "小学", "初级中学", "中学"];

const SURNAMES: &str = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕\
苏卢蒋蔡贾丁魏薛叶余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段";
const GIVEN: &str = "建国华明军平伟强丽芳敏静霞红勇杰涛斌波辉刚鹏磊超燕玲娟英慧婷洁文海林峰宇晨浩凯俊晓\
秀春玉志新亮成永德荣军卫东红梅兰云飞";

pub(crate) const GROUP_FORMS: [&str; 2] = ["中心组学习", "集中学习"];
pub(crate) const OTHER_FORMS: [&str; 5] =
    ["三会一课", "主题党日", "专题讲座", "专题培训", "网络自学"];
pub(crate) const THEMES: [&str; 20] = [
    "学习贯彻党的二十届四中全会精神",
    "学习贯彻党的二十届三中全会精神",
    "学习《习近平谈治国理政》第四卷",
    "学习习近平总书记关于党的建设的重要思想",
    "学习《中国共产党纪律处分条例》",
    "深入贯彻中央八项规定精神学习教育",
    "学习习近平总书记在全国两会期间的重要讲话精神",
    "学习《中国共产党章程》",
    "学习习近平法治思想",
    "学习习近平生态文明思想",
    "学习习近平经济思想",
    "学习总体国家安全观",
    "学习《中华人民共和国保守国家秘密法》",
    "学习习近平总书记关于安全生产的重要论述",
    "学习《中共中央关于制定国民经济和社会发展第十五个五年规划的建议》",
    "学习习近平总书记关于乡村振兴的重要论述",
    "学习习近平总书记关于教育的重要论述",
    "学习《中国共产党党员教育管理工作条例》",
    "学习习近平总书记关于树立和践行正确政绩观的重要论述",
    "学习《习近平新时代中国特色社会主义思想学习纲要（2023年版）》",
];
pub(crate) const IDEOLOGY_THEMES: [&str; 7] = [
    "学习习近平总书记关于意识形态工作的重要论述",
    "学习《党委（党组）意识形态工作责任制实施办法》",
    "学习《中国共产党宣传工作条例》",
    "网络意识形态安全专题学习",
    "学习习近平文化思想",
    "学习全国宣传思想文化工作会议精神",
    "意识形态领域风险防范化解专题学习",
];
pub(crate) const STUDY_NOTES: [&str; 6] = [
    "书记领学",
    "交流研讨",
    "班子成员逐一发言",
    "视频会议形式",
    "县委宣讲团宣讲",
    "撰写心得体会",
];
/// 研究研判 agenda per type, for the first and the second half; `{y}` is the report year.
pub(crate) const AGENDA: [(&str, [&[&str]; 2]); 3] = [
    (
        "专题研究",
        [
            &[
                "研究部署{y}年意识形态工作要点",
                "传达学习全县宣传思想文化工作会议精神并研究贯彻措施",
            ],
            &[
                "研究部署下半年意识形态工作",
                "专题研究意识形态工作责任制落实情况",
            ],
        ],
    ),
    (
        "分析研判",
        [
            &["上半年意识形态领域形势分析研判", "网络舆情形势分析研判"],
            &[
                "下半年意识形态领域形势分析研判",
                "意识形态领域风险隐患分析研判",
            ],
        ],
    ),
    (
        "专题汇报",
        [
            &[
                "向县委专题汇报上半年意识形态工作情况",
                "向县委宣传部报送上半年意识形态工作报告",
            ],
            &[
                "向县委专题汇报{y}年度意识形态工作责任制落实情况",
                "向县委宣传部报送下半年意识形态工作报告",
            ],
        ],
    ),
];
pub(crate) const INSPECTION_FORMS: [&str; 4] = ["专题督查", "现场督查", "重点检查", "书面督查"];

/// Who a unit inspects; `{p}` becomes a village or community name.
pub(crate) fn inspection_targets(kind: UnitKind) -> &'static [&'static str] {
    match kind {
        UnitKind::Town => &[
            "各村（社区）党组织",
            "{p}村",
            "镇属各站所",
            "辖区宗教活动场所",
        ],
        UnitKind::Street => &["各社区党组织", "{p}社区", "辖区网格", "街道各科室"],
        UnitKind::Department => &[
            "局机关各科室",
            "下属事业单位",
            "系统各单位",
            "门户网站及政务新媒体",
        ],
        UnitKind::Park => &["园区入驻企业", "园区各部门", "园区企业党组织"],
        UnitKind::School => &[
            "各年级组",
            "各教研组",
            "校园网站及新媒体平台",
            "学校宣传阵地",
        ],
    }
}

/// The schema's 对象类别: the unit's own leadership, a subordinate body's (a village, a
/// community, a station, a section, a school), and other Party members.
pub(crate) const OWN_BODY: &str = "本单位领导班子";
pub(crate) const OWN_CADRE: &str = "本单位领导干部";
pub(crate) const SUB_BODY: &str = "下属单位领导班子";
pub(crate) const SUB_CADRE: &str = "下属单位领导干部";
pub(crate) const MEMBER: &str = "党员干部";
/// The older template's two leadership categories, which the schema still reads (its `legacy`),
/// telling own from subordinate by the subject; in `(old, own, subordinate)` order.
pub(crate) const LEGACY_CATEGORIES: [(&str, &str, &str); 2] = [
    ("领导班子", OWN_BODY, SUB_BODY),
    ("领导干部", OWN_CADRE, SUB_CADRE),
];
/// The schema's `legacy.subordinate` words: a subject holding one of them, the unit's own name
/// taken out, is a subordinate body's. Kept here so that a legacy category is written only
/// where the reader's inference gives the category meant.
pub(crate) const SUBORDINATE_WORDS: [&str; 14] = [
    "村",
    "社区",
    "居委会",
    "站",
    "所",
    "科室",
    "股室",
    "中心",
    "学校",
    "中学",
    "小学",
    "幼儿园",
    "分局",
    "公司",
];

/// 问责情形 as the schema lists them, each with the older template's label where it had one
/// (an `enum_aliases` entry the schema still accepts).
pub(crate) const CASE_SITUATIONS: [(&str, Option<&str>); 14] = [
    (
        "重大宣传教育任务、思想舆论斗争组织不力",
        Some("重大宣传教育任务组织不力"),
    ),
    (
        "处置重大问题未站在第一线、未带头斗争",
        Some("处置重大问题未站在第一线"),
    ),
    ("管辖范围内引发群体性事件", Some("引发群体性事件")),
    (
        "重大敏感问题和突发事件处置引导不力",
        Some("重大敏感问题处置引导不力"),
    ),
    (
        "对党员干部违背党章党的决议政策言论放任不管",
        Some("对违背党章言论放任不管"),
    ),
    (
        "所属舆论阵地、宣传思想文化阵地出现严重错误导向",
        Some("舆论阵地出现严重错误导向"),
    ),
    (
        "出现大量非法出版物或严重错误导向教材",
        Some("非法出版物或错误导向教材"),
    ),
    (
        "会议、报告会、研讨会、讲座、论坛、课堂教学出现否定党的领导等言论",
        Some("会议讲座论坛出现错误言论"),
    ),
    ("意识形态工作严重问题隐瞒不报", Some("严重问题隐瞒不报")),
    (
        "公开发表违背中央精神言论、妄议中央大政方针",
        Some("公开发表违背中央精神言论"),
    ),
    (
        "组织利用宗教活动反对党的路线方针政策",
        Some("利用宗教活动反对党的路线"),
    ),
    ("涉外活动言行不当造成恶劣政治影响", Some("涉外活动言行不当")),
    ("网络意识形态安全出现严重问题", None),
    (
        "其他未能切实履行工作职责造成不良后果",
        Some("其他未履行职责造成不良后果"),
    ),
];
/// 情节 with the 处理方式 the schema's checks tie to it (003's ladder), so generated cases pass
/// them.
pub(crate) const PENALTIES: [(&str, &[&str]); 3] = [
    ("较轻", &["批评教育", "书面检查", "诫勉谈话"]),
    (
        "较重",
        &[
            "通报批评",
            "责令公开检讨",
            "公开道歉",
            "停职检查",
            "调离岗位",
        ],
    ),
    (
        "特别严重",
        &["引咎辞职", "责令辞职", "开除党籍", "降职", "辞退"],
    ),
];
/// 处理方式 that 004 lists without a 情节, which the checks allow with any.
pub(crate) const ANY_PENALTY: [&str; 3] = ["提醒", "组织处理", "纪律处分"];
/// How clerks separate two 处理方式 in one cell; `、` by far the most.
pub(crate) const PENALTY_SEPARATORS: [&str; 8] = ["、", "、", "、", "、", "、", "、", "，", "/"];

/// A unit's own Party body as a case names it (`龙爪镇党委`).
pub(crate) fn own_body(kind: UnitKind, unit: &str) -> String {
    let body = match kind {
        UnitKind::Town => "党委",
        UnitKind::Street | UnitKind::Park => "党工委",
        UnitKind::Department if unit.ends_with(['所', '站']) => "党支部",
        UnitKind::Department => "党组",
        UnitKind::School => "党支部",
    };
    format!("{unit}{body}")
}

/// Posts in a unit's own leadership, for 本单位领导干部 subjects.
pub(crate) fn own_posts(kind: UnitKind, unit: &str) -> &'static [&'static str] {
    match kind {
        UnitKind::Town => &["党委副书记", "党委委员、宣传委员", "党委委员、副镇长"],
        UnitKind::Street => &["党工委副书记", "党工委委员、宣传委员", "办事处副主任"],
        // A bureau's township outpost has a 党支部, not a 党组.
        UnitKind::Department if unit.ends_with(['所', '站']) => &["党支部书记", "党支部委员"],
        UnitKind::Department => &["党组成员", "党组副书记", "党组成员、副局长"],
        UnitKind::Park => &["党工委副书记", "党工委委员", "管委会副主任"],
        UnitKind::School => &["党支部书记", "副校长", "党支部委员"],
    }
}

/// Subordinate bodies of a unit, for 下属单位 subjects; `{p}` becomes a village or community
/// name. Most name themselves with one of `SUBORDINATE_WORDS`, as real ones do; a few sections
/// (`宣传科`, `德育处`) do not, and only the new categories name them unambiguously. A bureau's
/// township outpost has none.
pub(crate) fn subordinates(kind: UnitKind, unit: &str) -> &'static [&'static str] {
    match kind {
        UnitKind::Town => &[
            "{p}村党支部",
            "{p}村村民委员会",
            "农业综合服务站",
            "综合文化站",
        ],
        UnitKind::Street => &[
            "{p}社区党委",
            "{p}社区居委会",
            "社区服务中心",
            "{p}社区党支部",
        ],
        // Only the education bureau has schools under it; other bureaus have sections and
        // centres.
        UnitKind::Department if unit.contains("教育") => {
            &["办公室", "{p}中心学校", "{p}中心小学", "{p}初级中学"]
        }
        UnitKind::Department if unit.ends_with(['所', '站']) => &[],
        UnitKind::Department => &["办公室", "宣传科", "信息中心", "综合服务中心"],
        UnitKind::Park => &[
            "{p}科技有限公司党支部",
            "{p}实业有限公司党支部",
            "企业服务中心",
        ],
        UnitKind::School => &["附属幼儿园", "德育处", "团委"],
    }
}

/// The head of a subordinate body, by the body's name.
pub(crate) fn head_of(body: &str) -> &'static str {
    match body {
        b if b.ends_with("党支部") || b.ends_with("委") => "书记",
        b if b.ends_with('站') => "站长",
        b if b.ends_with("学校") || b.ends_with("小学") || b.ends_with("中学") => "校长",
        b if b.ends_with("幼儿园") => "园长",
        b if b.ends_with('科') => "科长",
        b if b.ends_with("委员会") || b.ends_with("居委会") => "主任",
        b if b.ends_with("中心") || b.ends_with("办公室") || b.ends_with('处') => "主任",
        _ => "负责人",
    }
}

/// Rank-and-file posts for 党员干部 subjects.
pub(crate) fn member_posts(kind: UnitKind) -> &'static [&'static str] {
    match kind {
        UnitKind::Town => &["干部", "{p}村党员", "工作人员"],
        UnitKind::Street => &["干部", "{p}社区工作人员", "网格员"],
        UnitKind::Department => &["干部", "工作人员"],
        UnitKind::Park => &["工作人员", "干部"],
        UnitKind::School => &["教师", "党员教师"],
    }
}

/// Whether the schema's legacy inference calls `subject` a subordinate body's once `name` (one
/// of the unit's names) is taken out of it.
pub(crate) fn reads_as_subordinate(subject: &str, name: &str) -> bool {
    let rest = match name.is_empty() {
        true => subject.to_string(),
        false => subject.replace(name, ""),
    };
    SUBORDINATE_WORDS.iter().any(|w| rest.contains(w))
}

/// Traditional forms of the characters in sheet names, headers and enum values; enough to
/// write `學習記錄` the way a unit in a traditional-script locale would.
pub(crate) fn to_traditional(text: &str) -> String {
    const SIMPLIFIED: &str = "号学习记录检问责题识态专参数备注会议内类发现约谈对别处办状节组员报";
    const TRADITIONAL: &str = "號學習記錄檢問責題識態專參數備註會議內類發現約談對別處辦狀節組員報";
    let pairs: Vec<(char, char)> = SIMPLIFIED.chars().zip(TRADITIONAL.chars()).collect();
    text.chars()
        .map(|c| pairs.iter().find(|(s, _)| *s == c).map_or(c, |(_, t)| *t))
        .collect()
}

/// A person's name: surname and one or two given characters.
pub(crate) fn person(rng: &mut Rng) -> String {
    let mut name = String::new();
    name.push(pick_char(rng, SURNAMES));
    name.push(pick_char(rng, GIVEN));
    if rng.chance(70) {
        name.push(pick_char(rng, GIVEN));
    }
    name
}

/// A surname for anonymised case records (`王某`).
pub(crate) fn surname(rng: &mut Rng) -> char {
    pick_char(rng, SURNAMES)
}

/// A village or community name; need not be unique.
pub(crate) fn hamlet(rng: &mut Rng) -> String {
    [pick_char(rng, FIRST), pick_char(rng, SECOND)]
        .iter()
        .collect()
}

fn pick_char(rng: &mut Rng, table: &str) -> char {
    let count = table.chars().count();
    table.chars().nth(rng.below(count)).unwrap_or('一')
}

/// `河河`, `大大田`: no place is named like that.
fn has_repeat(base: &str) -> bool {
    let chars: Vec<char> = base.chars().collect();
    chars.windows(2).any(|pair| pair[0] == pair[1])
}

/// Chinese numerals for 县第N中学, 1..=99.
fn numeral(n: usize) -> String {
    const DIGITS: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => DIGITS[n].to_string(),
        10..=19 => format!("十{}", DIGITS[n % 10]),
        _ => format!("{}十{}", DIGITS[n / 10], DIGITS[n % 10]),
    }
}

/// Splits `n` units over the kinds by their shares (largest remainder): 40 units are
/// 18 乡镇, 6 街道, 10 部门, 2 园区 and 4 学校.
fn kind_counts(n: usize) -> [usize; 5] {
    let mut counts = UnitKind::SHARE.map(|share| n * share / 100);
    let mut order: Vec<usize> = (0..5).collect();
    order.sort_by_key(|&k| std::cmp::Reverse(n * UnitKind::SHARE[k] % 100));
    let short = n - counts.iter().sum::<usize>();
    for &k in order.iter().take(short) {
        counts[k] += 1;
    }
    counts
}

/// Builds the roster, grouped by kind as county rosters are, and `outsiders` town names that
/// are in no roster (for the workbook from a unit the county does not know).
pub(crate) fn build_roster(
    n: usize,
    outsiders: usize,
    rng: &mut Rng,
) -> Result<(Vec<RosterUnit>, Vec<String>)> {
    let mut mint = Mint {
        rng,
        bases: HashSet::new(),
        names: HashSet::new(),
        towns: Vec::new(),
    };
    let mut roster = Vec::with_capacity(n);
    for (kind, count) in UnitKind::ALL.into_iter().zip(kind_counts(n)) {
        for k in 0..count {
            let (name, alias) = mint.unit(kind, k)?;
            let aliases = if alias.is_empty() {
                vec![]
            } else {
                vec![alias]
            };
            roster.push(RosterUnit {
                name,
                kind,
                aliases,
            });
        }
    }
    let strangers = (0..outsiders)
        .map(|_| Ok(format!("{}镇", mint.place()?)))
        .collect::<Result<_>>()?;
    Ok((roster, strangers))
}

/// Hands out names that are never used twice: `bases` holds place names, `names` unit names.
struct Mint<'a> {
    rng: &'a mut Rng,
    bases: HashSet<String>,
    names: HashSet<String>,
    towns: Vec<String>,
}

impl Mint<'_> {
    /// The `k`-th unit of `kind`, with its roster alias ("" for none).
    fn unit(&mut self, kind: UnitKind, k: usize) -> Result<(String, String)> {
        let (name, alias) = match kind {
            UnitKind::Town => {
                let base = self.place()?;
                self.towns.push(base.clone());
                let name = format!("{base}{}", if self.rng.chance(85) { "镇" } else { "乡" });
                let alias = if self.rng.chance(8) {
                    format!("{name}党委")
                } else {
                    String::new()
                };
                (name, alias)
            }
            UnitKind::Street => {
                let base = match STREETS.get(k) {
                    Some(fixed) if self.bases.insert(fixed.to_string()) => fixed.to_string(),
                    _ => self.place()?,
                };
                let alias = if self.rng.chance(10) {
                    format!("{base}街道办事处")
                } else {
                    String::new()
                };
                (format!("{base}街道"), alias)
            }
            UnitKind::Department => match DEPARTMENTS.split_whitespace().nth(k) {
                Some(entry) => {
                    let (name, alias) = entry.split_once('=').unwrap_or((entry, ""));
                    (name.to_string(), alias.to_string())
                }
                None => (self.outpost()?, String::new()),
            },
            UnitKind::Park => {
                let name = format!("{}{}", self.place()?, self.rng.pick(&PARK_SUFFIXES));
                let alias = if self.rng.chance(20) {
                    format!("{name}管委会")
                } else {
                    String::new()
                };
                (name, alias)
            }
            UnitKind::School => match SCHOOLS.get(k) {
                Some((name, alias)) => (name.to_string(), alias.to_string()),
                None if k < 12 || self.towns.is_empty() => {
                    let no = numeral(k - SCHOOLS.len() + 4);
                    (format!("县第{no}中学"), format!("县{no}中"))
                }
                None => (self.school()?, String::new()),
            },
        };
        if !self.names.insert(name.clone()) {
            bail!("内部错误：单位名称重复：{name}");
        }
        Ok((name, alias))
    }

    /// A place name not used before: two characters while they last, then three.
    fn place(&mut self) -> Result<String> {
        let (first, second, prefix): (Vec<char>, Vec<char>, Vec<char>) = (
            FIRST.chars().collect(),
            SECOND.chars().collect(),
            PREFIX.chars().collect(),
        );
        let unused = PLACES.iter().filter(|p| !self.bases.contains(**p)).count();
        if unused > 0 {
            let place = PLACES
                .iter()
                .filter(|p| !self.bases.contains(**p))
                .nth(self.rng.below(unused));
            let place = place.map_or_else(String::new, |p| p.to_string());
            self.bases.insert(place.clone());
            return Ok(place);
        }
        for attempt in 0..96 {
            let mut base = String::new();
            if attempt >= 24 {
                base.push(*self.rng.pick(&prefix));
            }
            base.push(*self.rng.pick(&first));
            base.push(*self.rng.pick(&second));
            if !has_repeat(&base) && self.bases.insert(base.clone()) {
                return Ok(base);
            }
        }
        // Nearly full: take the first free three-character name in table order.
        for p in &prefix {
            for f in &first {
                for s in &second {
                    let base: String = [*p, *f, *s].iter().collect();
                    if !has_repeat(&base) && self.bases.insert(base.clone()) {
                        return Ok(base);
                    }
                }
            }
        }
        bail!("单位数过多，地名已用尽（最多约十万个单位）")
    }

    /// A school named after a town already on the roster (`龙爪中心小学`).
    fn school(&mut self) -> Result<String> {
        for _ in 0..32 {
            let town = self.rng.pick(&self.towns).clone();
            let name = format!("{town}{}", self.rng.pick(&SCHOOL_SUFFIXES));
            if !self.names.contains(&name) {
                return Ok(name);
            }
        }
        Ok(format!("{}小学", self.place()?))
    }

    /// A bureau's township outpost (`县公安局龙爪派出所`).
    fn outpost(&mut self) -> Result<String> {
        for _ in 0..32 {
            let town = match self.towns.is_empty() {
                true => self.place()?,
                false => self.rng.pick(&self.towns).clone(),
            };
            let (bureau, suffix) = self.rng.pick(&OUTPOSTS);
            let name = format!("{bureau}{town}{suffix}");
            if !self.names.contains(&name) {
                return Ok(name);
            }
        }
        Ok(format!("县财政局{}财政所", self.place()?))
    }
}
