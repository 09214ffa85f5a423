import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData, type IPairedItemData } from 'n8n-workflow';

import { analyzeRows } from './core/analyzeRows';
import { annotateRecords, anomalyRecords, summaryRecords, type OutputRecord } from './core/present';
import { SeriesInputError } from './core/series';
import { readParameters } from './parameters';

function toItems(records: OutputRecord[]): INodeExecutionData[] {
	return records.map((record) => ({
		json: record.json as INodeExecutionData['json'],
		pairedItem: record.rowIndices.map((item): IPairedItemData => ({ item })),
	}));
}

/**
 * Reads the parameters, analyses all input items together (series by group and metric) and returns two
 * outputs: the chosen output mode's items and the anomalies.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	try {
		const { outputMode, config } = readParameters(this);
		const rows = items.map((item) => item.json);
		const analysis = analyzeRows(rows, config);
		const zone = config.settings.timeZone;
		const anomalies = toItems(anomalyRecords(analysis, zone));
		const main =
			outputMode === 'summary'
				? toItems(summaryRecords(analysis, zone))
				: outputMode === 'anomalies'
					? anomalies
					: toItems(annotateRecords(rows, analysis));
		return [main, anomalies];
	} catch (error) {
		const problem =
			error instanceof SeriesInputError
				? new NodeOperationError(this.getNode(), error.message, { itemIndex: error.rowIndex })
				: error;
		if (this.continueOnFail()) {
			return [
				[{ json: { error: (problem as Error).message }, pairedItem: items.map((_, item) => ({ item })) }],
				[],
			];
		}
		throw problem;
	}
}
